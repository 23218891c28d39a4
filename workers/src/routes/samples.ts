import { Hono, type Context } from 'hono';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { MAX_SAMPLES_BODY_BYTES, MAX_USER_ID_LENGTH } from '../../../sdk/src/samples/sample-wire.ts';
import { readBoundedBody } from '../classify/read-body.ts';
import type { Env } from '../env.ts';
import { ApiError } from '../http/api-error.ts';
import { hashUser, readSamples } from '../samples/read-samples.ts';
import { authenticateAdmin, authenticateApp } from '../samples/sample-auth.ts';
import { enforceRateLimit, RateLimitedError } from '../samples/sample-rate-limit.ts';
import { eraseUser, exportPage, sampleStats, storeSamples } from '../samples/sample-store.ts';
import { isModelName } from '../store/model-keys.ts';
import { storeOf } from '../store/store-of.ts';

/** Export pages hold at most this many samples (about 1.3 MB of NDJSON). */
const MAX_EXPORT_PAGE = 1000;

type SamplesContext = Context<{ Bindings: Env }>;

export const sampleRoutes = new Hono<{ Bindings: Env }>();

// A body left unread (a refused key, a wrong method) is cancelled, so the connection never waits on it.
sampleRoutes.use('/v1/samples/*', discardUnreadBody);
sampleRoutes.use('/v1/samples', discardUnreadBody);

async function discardUnreadBody(c: SamplesContext, next: () => Promise<void>): Promise<void> {
  try {
    await next();
  } finally {
    const body = c.req.raw.body;
    if (body !== null && !c.req.raw.bodyUsed && !body.locked) await body.cancel().catch(() => undefined);
  }
}

/** The calling app, authenticated and within its rate limit; a 401 or a 429 with Retry-After otherwise. */
async function callingApp(c: SamplesContext): Promise<string> {
  const appId = await authenticateApp(c.env, c.req.header('Authorization'));
  try {
    await enforceRateLimit(c.env, appId);
  } catch (error) {
    if (error instanceof RateLimitedError) c.header('Retry-After', String(error.retryAfterSeconds));
    throw error;
  }
  return appId;
}

sampleRoutes.post('/v1/samples', async (c) => {
  const appId = await callingApp(c);
  const bytes = await readBoundedBody(c.req.raw, MAX_SAMPLES_BODY_BYTES, 'send at most 256 samples per request');
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new ApiError(400, ErrorCodes.INPUT_TYPE, 'The body is not UTF-8 JSON; send { "samples": [...] } with Content-Type: application/json.');
  }
  const { valid, rejected } = await readSamples(body, appId, storeOf(c.env));
  return c.json(await storeSamples(c.env.SAMPLES, appId, valid, rejected));
});

sampleRoutes.get('/v1/samples/stats', async (c) => {
  const appId = await callingApp(c);
  return c.json({ counts: await sampleStats(c.env.SAMPLES, appId) });
});

sampleRoutes.delete('/v1/samples', async (c) => {
  const appId = await callingApp(c);
  const user = c.req.query('user');
  if (user === undefined || user.length === 0 || user.length > MAX_USER_ID_LENGTH) {
    throw new ApiError(400, ErrorCodes.INPUT_RANGE, `Name the end user to erase: DELETE /v1/samples?user=<1-${MAX_USER_ID_LENGTH} characters>.`);
  }
  return c.json({ deleted: await eraseUser(c.env.SAMPLES, appId, await hashUser(appId, user)) });
});

sampleRoutes.get('/v1/samples/export', async (c) => {
  await authenticateAdmin(c.env, c.req.header('Authorization'));
  const model = c.req.query('model') ?? '';
  if (!isModelName(model)) throw new ApiError(400, ErrorCodes.INPUT_RANGE, 'Name the model to export: GET /v1/samples/export?model=<name>&after=<seq>.');
  const after = readInteger(c.req.query('after'), 'after', 0, Number.MAX_SAFE_INTEGER, 0);
  const limit = readInteger(c.req.query('limit'), 'limit', 1, MAX_EXPORT_PAGE, MAX_EXPORT_PAGE);
  const page = await exportPage(c.env.SAMPLES, model, after, limit);
  // The cursor for the next page; an empty page means the export has caught up.
  c.header('Edgetune-Next-After', String(page.at(-1)?.seq ?? after));
  c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
  return c.body(page.map((sample) => `${JSON.stringify(sample)}\n`).join(''));
});

function readInteger(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d{1,16}$/.test(value) || number < min || number > max) {
    throw new ApiError(400, ErrorCodes.INPUT_RANGE, `${name} must be an integer from ${min} to ${max}, got "${value.slice(0, 20)}".`);
  }
  return number;
}
