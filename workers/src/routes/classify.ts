import { Hono, type Context } from 'hono';
import { toPredictions } from '../../../sdk/src/client/prediction.ts';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { readClassifyInput } from '../classify/classify-input.ts';
import type { Env } from '../env.ts';
import { ApiError, notFound } from '../http/api-error.ts';
import { withdrawnBody } from '../http/withdrawn-body.ts';
import { runnerFor } from '../inference/runner-cache.ts';
import { isModelName, isVersion } from '../store/model-keys.ts';
import { storeOf } from '../store/store-of.ts';

/** The JSON answer of POST .../classify; `scores` and `top` as in the SDK's Prediction. */
export interface ClassifyResponse {
  readonly model: string;
  readonly version: string;
  readonly predictions: ReadonlyArray<{
    readonly label: string;
    readonly index: number;
    readonly confidence: number;
    readonly scores: number[];
    readonly top: ReadonlyArray<{ readonly label: string; readonly index: number; readonly score: number }>;
  }>;
  /** Time spent in ONNX Runtime as the Workers clock sees it (it advances only across I/O, so often 0 when deployed). */
  readonly inferenceMs: number;
}

export const classifyRoutes = new Hono<{ Bindings: Env }>();

classifyRoutes.post('/v1/models/:name/classify', (c) => classify(c, c.req.param('name'), undefined));
classifyRoutes.post('/v1/models/:name/:version/classify', (c) => classify(c, c.req.param('name'), c.req.param('version')));

async function classify(c: Context<{ Bindings: Env }>, name: string, requested: string | undefined): Promise<Response> {
  if (!isModelName(name)) throw notFound(`No model named "${name}" is published; GET /v1/models lists the models.`);
  if (requested !== undefined && !isVersion(requested)) throw notFound(`Model "${name}" has no published version "${requested}".`);
  const topK = readTopK(c.req.query('topK'));
  const store = storeOf(c.env);
  const version = requested ?? (await store.latestVersion(name));
  const withdrawal = requested === undefined ? undefined : (await store.withdrawals(name)).get(requested);
  if (withdrawal) throw new ApiError(410, ErrorCodes.VERSION_WITHDRAWN, (await withdrawnBody(store, name, requested!, withdrawal)).error.message);
  const { manifest } = await store.version(name, version);
  const [batch, runner] = await Promise.all([readClassifyInput(c.req.raw), runnerFor(c.env.MODELS, manifest)]);
  const started = performance.now();
  const probs = await runner.run(batch.pixels, batch.count);
  const inferenceMs = performance.now() - started;
  const predictions = toPredictions(probs, manifest.labels, batch.count, Math.min(topK, manifest.labels.length)).map((p) => ({
    label: p.label,
    index: p.index,
    confidence: p.confidence,
    scores: Array.from(p.scores),
    top: p.top,
  }));
  const body: ClassifyResponse = { model: name, version, predictions, inferenceMs: Math.round(inferenceMs * 1000) / 1000 };
  return c.json(body);
}

function readTopK(value: string | undefined): number {
  if (value === undefined) return 3;
  const topK = Number(value);
  if (!/^\d+$/.test(value) || topK < 1 || topK > 100) {
    throw new ApiError(400, ErrorCodes.INPUT_RANGE, `topK must be an integer from 1 to the number of labels, got "${value.slice(0, 20)}".`);
  }
  return topK;
}
