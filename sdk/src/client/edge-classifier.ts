import { fromErrorBody, type ErrorBody } from '../error-wire.ts';
import { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError } from '../errors.ts';
import { MODEL_PIXEL_COUNT, toModelBatch, toModelInput, type ClassifierInput } from '../input/to-model-input.ts';
import type { UpdateCheck } from '../engine/engine-protocol.ts';
import { checkRemoteForUpdate } from '../loading/check-for-update.ts';
import type { ClassifierContract, ClassifyOptions } from './classifier-contract.ts';
import { toPredictions, type Prediction } from './prediction.ts';
import { DEFAULTS } from '../defaults.ts';

export interface ConnectEdgeOptions {
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Aborts connecting and every later request (E_ABORTED). */
  readonly signal?: AbortSignal;
}

/** The edge's per-request bound; larger batches are split. */
const MAX_IMAGES_PER_REQUEST = 64;

/**
 * A classifier running on the edge Worker, over HTTP: the same classify/classifyBatch, Prediction
 * type and error codes as a local Classifier, for devices that cannot run the model and for backends.
 * Inputs are prepared here exactly as on the device and sent as JSON floats (raw uint8 bytes would
 * round away the preprocessing's float precision, and the answers would drift from the device's).
 */
export class EdgeClassifier implements ClassifierContract {
  #disposed = false;

  private constructor(
    private readonly manifestUrl: string,
    private readonly endpoint: string,
    readonly name: string,
    readonly version: string,
    readonly labels: readonly string[],
    private readonly fetchImpl: typeof fetch,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** @internal use connectEdge() */
  static async connect(baseUrl: string | URL, model: string, options: ConnectEdgeOptions = {}): Promise<EdgeClassifier> {
    if (typeof model !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(model)) {
      throw new InputTypeError(`model must be a published model name like "mnist-cnn"; got ${JSON.stringify(model)}`);
    }
    let base: URL;
    try {
      base = new URL(String(baseUrl).replace(/\/*$/, '/'));
    } catch {
      throw new InputRangeError(`baseUrl must be the edge's absolute http(s) URL; got ${JSON.stringify(String(baseUrl))}`);
    }
    const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const manifestUrl = new URL(`v1/models/${model}/manifest.json`, base).href;
    const manifest = (await request(fetchImpl, manifestUrl, { signal: options.signal ?? null })) as { version?: unknown; labels?: unknown };
    if (typeof manifest.version !== 'string' || !Array.isArray(manifest.labels) || !manifest.labels.every((l) => typeof l === 'string')) {
      throw new EdgetuneError(ErrorCodes.MANIFEST_INVALID, `The edge at ${base.href} served an invalid manifest for "${model}".`);
    }
    const endpoint = new URL(`v1/models/${model}/${manifest.version}/classify`, base).href;
    return new EdgeClassifier(manifestUrl, endpoint, model, manifest.version, manifest.labels as string[], fetchImpl, options.signal);
  }

  async classify(input: ClassifierInput, options: ClassifyOptions = {}): Promise<Prediction> {
    return (await this.#run([input], 'input', options))[0]!;
  }

  async classifyBatch(inputs: readonly ClassifierInput[], options: ClassifyOptions = {}): Promise<Prediction[]> {
    return this.#run(inputs, 'inputs', options);
  }

  /**
   * Whether the edge now serves another version than this client's (a newer one, or the
   * replacement of this one if it was withdrawn; a withdrawn version's classify answers 410
   * E_VERSION_WITHDRAWN). connectEdge() again to use it. Never throws for an unreachable edge.
   */
  checkForUpdate(): Promise<UpdateCheck> {
    if (this.#disposed) throw new EdgetuneError(ErrorCodes.DISPOSED, 'this edge classifier was disposed; call connectEdge() again');
    return checkRemoteForUpdate(this.manifestUrl, this.version, { fetch: this.fetchImpl, ...(this.signal ? { signal: this.signal } : {}) });
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  async #run(inputs: readonly ClassifierInput[], argumentName: string, options: ClassifyOptions): Promise<Prediction[]> {
    if (this.#disposed) throw new EdgetuneError(ErrorCodes.DISPOSED, 'this edge classifier was disposed; call connectEdge() again');
    const topK = options?.topK ?? DEFAULTS.topK;
    if (!Number.isInteger(topK) || topK < 1 || topK > this.labels.length) {
      throw new InputRangeError(`options.topK must be an integer from 1 to ${this.labels.length}, got ${topK}`);
    }
    // Validated and prepared locally first: a bad image fails before anything is sent.
    const pixels = argumentName === 'input' ? toModelInput(inputs[0]!, 'input') : toModelBatch(inputs, argumentName);
    const count = pixels.length / MODEL_PIXEL_COUNT;
    const predictions: Prediction[] = [];
    for (let start = 0; start < count; start += MAX_IMAGES_PER_REQUEST) {
      const end = Math.min(count, start + MAX_IMAGES_PER_REQUEST);
      const rows: number[][] = [];
      for (let i = start; i < end; i++) rows.push(Array.from(pixels.subarray(i * MODEL_PIXEL_COUNT, (i + 1) * MODEL_PIXEL_COUNT)));
      const body = (await request(this.fetchImpl, this.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ inputs: rows }),
        signal: this.signal ?? null,
      })) as { predictions?: Array<{ scores?: unknown }> };
      const probs = new Float32Array((end - start) * this.labels.length);
      (body.predictions ?? []).forEach((prediction, i) => {
        if (Array.isArray(prediction.scores)) probs.set(prediction.scores as number[], i * this.labels.length);
      });
      if (body.predictions?.length !== end - start) throw new EdgetuneError(ErrorCodes.RUNTIME, `The edge answered ${body.predictions?.length ?? 0} predictions for ${end - start} images.`);
      predictions.push(...toPredictions(probs, this.labels, end - start, topK));
    }
    return predictions;
  }
}

/** Connects to a model on the edge Worker (its latest version, fixed for this client's lifetime). */
export function connectEdge(baseUrl: string | URL, model: string, options: ConnectEdgeOptions = {}): Promise<EdgeClassifier> {
  return EdgeClassifier.connect(baseUrl, model, options);
}

/** GET/POST with the edge's JSON errors turned into EdgetuneErrors carrying the same code. */
async function request(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (cause) {
    if (init.signal?.aborted) throw new EdgetuneError(ErrorCodes.ABORTED, `The request to ${url} was aborted by the caller's AbortSignal.`, { cause });
    throw new EdgetuneError(ErrorCodes.FETCH_FAILED, `The edge at ${url} is unreachable (${(cause as Error).message}); check the URL and the network.`, { cause });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok || (body as Partial<ErrorBody> | undefined)?.error) {
    const fallback = response.status === 404 ? ErrorCodes.NOT_FOUND : ErrorCodes.FETCH_FAILED;
    throw fromErrorBody(body, fallback, `${init.method ?? 'GET'} ${url} answered HTTP ${response.status}.`);
  }
  if (body === undefined) throw new EdgetuneError(ErrorCodes.FETCH_FAILED, `${url} answered HTTP ${response.status} with a body that is not JSON.`);
  return body;
}
