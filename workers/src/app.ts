import { Hono } from 'hono';
import type { Env } from './env.ts';
import { toErrorBody } from '../../sdk/src/error-wire.ts';
import { describeFailure } from './http/api-error.ts';
import { publicCors } from './http/cors.ts';
import { classifyRoutes } from './routes/classify.ts';
import { demoRoutes } from './routes/demo.ts';
import { fileRoutes } from './routes/files.ts';
import { modelRoutes } from './routes/models.ts';
import { packedAssetRoutes } from './routes/packed-assets.ts';
import { sampleRoutes } from './routes/samples.ts';
import { ErrorCodes } from '../../sdk/src/errors.ts';

/** The edge HTTP API; static assets (the demo page) are served by the platform before it. */
export const app = new Hono<{ Bindings: Env }>();

app.use('/v1/*', publicCors());
app.route('/', modelRoutes);
app.route('/', fileRoutes);
app.route('/', classifyRoutes);
app.route('/', sampleRoutes);
app.route('/', demoRoutes);
app.route('/', packedAssetRoutes);

app.notFound((c) =>
  c.json(toErrorBody(ErrorCodes.NOT_FOUND, `No route ${c.req.method} ${new URL(c.req.url).pathname}; the API lives under /v1 (GET /v1/models).`), 404),
);

app.onError((error, c) => {
  const failure = describeFailure(error);
  if (failure.status >= 500) console.error(error);
  return c.json(toErrorBody(failure.code, failure.message), failure.status);
});
