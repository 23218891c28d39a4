import { transfer } from 'comlink';
import type { Manifest } from '../artifacts/manifest.ts';
import type { EngineApi, EngineInfo, LoadProgress, LoadRequest, UpdateCheck } from '../engine/engine-protocol.ts';
import type { Backend } from '../engine/ort-types.ts';
import { EdgetuneError, errorCodeOf, ErrorCodes, InputRangeError, InputTypeError } from '../errors.ts';
import { toModelBatch, toModelInput, type ClassifierInput } from '../input/to-model-input.ts';
import type { HeadSummary } from '../heads/head-record.ts';
import { pickPersonalizeOptions, resolvePersonalizeOptions, type PersonalizeOptions } from '../personalize/personalize-options.ts';
import type { PersonalizeReport, StepProgress } from '../personalize/personalize-report.ts';
import { callbackProxy } from './callback-proxy.ts';
import { packSamples, type LabelledSample } from './personalize-samples.ts';
import type { ClassifierContract, ClassifyOptions } from './classifier-contract.ts';
import { toPredictions, type Prediction } from './prediction.ts';
import { delay, runGuarded } from './guarded-call.ts';
import { WORKER_CONNECTION, type ConnectWorker, type WorkerConnection } from './worker-connection.ts';
import { DEFAULTS } from '../defaults.ts';

export type { ClassifyOptions } from './classifier-contract.ts';

export interface PersonalizeCallOptions extends PersonalizeOptions {
  /** Extra labelled samples mixed into the batches (e.g. originals of each class) to limit forgetting. */
  readonly replay?: readonly LabelledSample[];
  readonly onStep?: (progress: StepProgress) => void;
  /** Aborting stops before the next step and leaves the head unchanged (E_ABORTED). */
  readonly signal?: AbortSignal;
  /**
   * Opt-in: once the head is personalized, the samples are queued on this uploader (a
   * SampleUploader for this model) for the edge. A full queue then rejects with E_QUEUE_FULL;
   * the head stays personalized.
   */
  readonly uploader?: { add(input: ClassifierInput, label: string): Promise<string> };
}

export interface SaveHeadOptions {
  /** Store the samples the head was personalized on with it (on this device only), for repersonalize(). Default false. */
  readonly keepSamples?: boolean;
}

export interface RepersonalizeOptions extends PersonalizeOptions {
  readonly onStep?: (progress: StepProgress) => void;
  /** Aborting stops before the next step; the head in use and the saved one stay as they were (E_ABORTED). */
  readonly signal?: AbortSignal;
}

/** The largest batch sent to the worker in one message when the runtime sets no run size (WebGPU). */
const MAX_MESSAGE_BATCH = 1024;

/**
 * A loaded model running in a worker. Inputs are normalised on the caller's thread (cheap, and
 * a bad image fails before it is sent); inference runs in the worker.
 */
export class Classifier implements ClassifierContract {
  #connection: WorkerConnection | undefined;
  #info: EngineInfo;
  #disposed = false;
  #restarting: Promise<WorkerConnection> | undefined;
  /** Ids for personalize calls, so an abort cancels exactly its own call. */
  #lastCallId = 0;
  /**
   * The head installed by the last successful personalize/importHead/loadHead (undefined: the
   * pretrained one), re-imported when a crashed worker is replaced. A head is a few KB.
   */
  #head: Uint8Array | undefined;

  /** @internal use loadClassifier() */
  constructor(
    private readonly connect: ConnectWorker,
    private readonly request: LoadRequest,
    connection: WorkerConnection,
    info: EngineInfo,
  ) {
    this.#info = info;
    this.#adopt(connection);
  }

  /** A worker that dies while idle is dropped at once, so the next call starts a fresh one. */
  #adopt(connection: WorkerConnection): void {
    this.#connection = connection;
    void connection.crashed.then(() => {
      if (this.#connection === connection) this.#connection = undefined;
    });
  }

  /** @internal */
  static async start(
    connect: ConnectWorker,
    request: LoadRequest,
    options: { onProgress?: (event: LoadProgress) => void; signal?: AbortSignal; connection?: WorkerConnection },
  ): Promise<Classifier> {
    const connection = options.connection ?? connect(request.backend);
    try {
      const info = await runGuarded(connection, options.signal, (api) =>
        api.load(request, options.onProgress ? callbackProxy(options.onProgress) : undefined),
      );
      return new Classifier(connect, request, connection, info);
    } catch (error) {
      await connection.terminate();
      throw error;
    }
  }

  get manifest(): Manifest {
    return this.#info.manifest;
  }
  get name(): string {
    return this.#info.manifest.name;
  }
  get version(): string {
    return this.#info.manifest.version;
  }
  get labels(): readonly string[] {
    return this.#info.manifest.labels;
  }
  /** The backend actually running the model. */
  get backend(): Backend {
    return this.#info.backend;
  }
  /** The ONNX Runtime build and thread count in use. */
  get runtime(): string {
    return this.#info.runtime;
  }
  /** Where the model files came from on the last load: 'network', 'cache' or 'mixed'. */
  get loadedFrom(): EngineInfo['source'] {
    return this.#info.source;
  }
  /** True when the network was unreachable and a cached version was loaded. */
  get offline(): boolean {
    return this.#info.offline;
  }
  /**
   * The version asked for when it was withdrawn at the edge and `version` is its replacement
   * (an E_VERSION_WITHDRAWN warning was logged); undefined otherwise.
   */
  get withdrawnVersion(): string | undefined {
    return this.#info.withdrawn?.version;
  }

  /**
   * Asks the model's source whether a load now would get another version (a newer one, or the
   * replacement of a withdrawn one); loads nothing. The next loadClassifier() with the same source
   * picks it up. Never throws for an unreachable source: `offline` and `error` say so.
   */
  checkForUpdate(): Promise<UpdateCheck> {
    return this.#call((api) => api.checkForUpdate());
  }

  async classify(input: ClassifierInput, options: ClassifyOptions = {}): Promise<Prediction> {
    const topK = this.#topK(options);
    const pixels = toModelInput(input, 'input');
    const probs = await this.#call((api) => api.classify(transfer(pixels, [pixels.buffer]), 1));
    return toPredictions(probs, this.labels, 1, topK)[0]!;
  }

  async classifyBatch(inputs: readonly ClassifierInput[], options: ClassifyOptions = {}): Promise<Prediction[]> {
    const topK = this.#topK(options);
    const count = Array.isArray(inputs) ? inputs.length : 0;
    // One worker call per model run, sent as soon as its pixels are checked; the worker runs them
    // in order. While it runs one, this thread checks the next and decodes the last, so that work
    // and the message latency hide behind inference (measured: SDK / direct ORT up from ~0.86x to
    // ~0.94x at 2 threads on 2 cores, where one message per batch left them in series).
    const chunkSize = this.#info.runChunk ?? MAX_MESSAGE_BATCH;
    const calls: Promise<Float32Array>[] = [];
    try {
      for (let start = 0; start === 0 || start < count; start += chunkSize) {
        const end = Math.min(count, start + chunkSize);
        // Throws for a non-array or an empty array on the first pass, and names any bad element.
        const pixels = toModelBatch(inputs, 'inputs', start, end);
        const call = this.#call((api) => api.classify(transfer(pixels, [pixels.buffer]), end - start));
        // Awaited below; this only keeps an early chunk's failure from being reported as unhandled.
        call.catch(() => undefined);
        calls.push(call);
      }
    } catch (error) {
      // A bad image in a later chunk: let the chunks already sent finish, then report it.
      await Promise.allSettled(calls);
      throw error;
    }
    const predictions: Prediction[] = [];
    for (const [index, call] of calls.entries()) {
      const probs = await call;
      const size = Math.min(chunkSize, count - index * chunkSize);
      for (const prediction of toPredictions(probs, this.labels, size, topK)) predictions.push(prediction);
    }
    return predictions;
  }

  #topK(options: ClassifyOptions): number {
    const topK = options?.topK ?? DEFAULTS.topK;
    if (!Number.isInteger(topK) || topK < 1 || topK > this.labels.length) {
      throw new InputRangeError(`options.topK must be an integer from 1 to ${this.labels.length}, got ${topK}`);
    }
    return topK;
  }

  /**
   * Fine-tunes the head on labelled samples with a few SGD steps in the worker; afterwards
   * classify uses the personalized head. On divergence or abort the head stays as it was.
   */
  async personalize(samples: readonly LabelledSample[], options: PersonalizeCallOptions = {}): Promise<PersonalizeReport> {
    const packed = packSamples(samples, this.labels, 'samples');
    const replay = options.replay === undefined ? undefined : packSamples(options.replay, this.labels, 'options.replay');
    const resolved = resolvePersonalizeOptions(pickPersonalizeOptions(options));
    const transfers = [packed.pixels.buffer, packed.labels.buffer, ...(replay ? [replay.pixels.buffer, replay.labels.buffer] : [])];
    const result = await this.#cancellableCall(options, (callId, onStep) => (api) =>
      api.personalize(
        transfer({ pixels: packed.pixels, labels: packed.labels, ...(replay ? { replay } : {}), options: resolved, callId }, transfers),
        onStep ? callbackProxy(onStep) : undefined,
      ),
    );
    this.#head = result.head;
    const { uploader } = options;
    if (uploader !== undefined) {
      await Promise.all(samples.map((sample) => uploader.add(sample.input, typeof sample.label === 'number' ? this.labels[sample.label]! : sample.label)));
    }
    return result.report;
  }

  /** A training call in the worker that options.signal can abort (before it starts, or between steps). */
  async #cancellableCall<T>(
    options: { readonly signal?: AbortSignal; readonly onStep?: (progress: StepProgress) => void },
    start: (callId: number, onStep: ((progress: StepProgress) => void) | undefined) => (api: EngineApi) => Promise<T>,
  ): Promise<T> {
    if (options.onStep !== undefined && typeof options.onStep !== 'function') throw new InputTypeError('options.onStep must be a function');
    const { signal } = options;
    const abortedBeforeStart = () => new EdgetuneError(ErrorCodes.ABORTED, 'personalization was aborted before it started; the head is unchanged');
    if (signal?.aborted) throw abortedBeforeStart();
    const callId = ++this.#lastCallId;
    // Sent after the request on the same channel, so the worker always knows the id by then; a
    // worker that never saw the request (it was replaced) ignores it.
    const cancel = () => void this.#connection?.api.cancel(callId).catch(() => undefined);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const task = start(callId, options.onStep);
      return await this.#call((api) => {
        // Aborted while a crashed worker was being replaced: the request was never sent.
        if (signal?.aborted) throw abortedBeforeStart();
        return task(api);
      });
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Back to the pretrained head. */
  async resetHead(): Promise<void> {
    await this.#call((api) => api.resetHead());
    this.#head = undefined;
  }

  /** The current head as safetensors bytes (with the model name and version in its metadata). */
  exportHead(): Promise<Uint8Array> {
    return this.#call((api) => api.exportHead());
  }

  /** Installs a head from exportHead() bytes; refused (E_HEAD_MISMATCH) if it belongs to another model or version. */
  async importHead(bytes: Uint8Array): Promise<void> {
    if (!(bytes instanceof Uint8Array)) throw new InputTypeError('bytes must be a Uint8Array from exportHead()');
    // Copies into buffers of their own: a Node Buffer's slice() is a view, and transferring its
    // pool would empty the caller's Buffer.
    const kept = new Uint8Array(bytes);
    const sent = new Uint8Array(bytes);
    await this.#call((api) => api.importHead(transfer(sent, [sent.buffer])));
    this.#head = kept;
  }

  /**
   * Persists the current head under `key` (IndexedDB in browsers, a directory in Node). With
   * `keepSamples: true` (ask the user first) the samples it was personalized on are stored with
   * it, on this device only, so that repersonalize(key) can retrain it on a new model version.
   */
  async saveHead(key: string, options: SaveHeadOptions = {}): Promise<HeadSummary> {
    const keepSamples = options?.keepSamples;
    if (keepSamples !== undefined && typeof keepSamples !== 'boolean') throw new InputTypeError('options.keepSamples must be a boolean');
    return this.#call((api) => api.saveHead(key, { keepSamples: keepSamples === true }));
  }

  /**
   * Installs the head saved under `key`. One saved for another version of this model is never
   * applied: E_HEAD_STALE, unless `repersonalize: true` retrains it on this version from the
   * samples kept with it (E_HEAD_NO_SAMPLES if there are none).
   */
  async loadHead(key: string, options: { readonly repersonalize?: boolean } = {}): Promise<void> {
    try {
      this.#head = await this.#call((api) => api.loadHead(key));
    } catch (error) {
      if (options?.repersonalize !== true || errorCodeOf(error) !== ErrorCodes.HEAD_STALE) throw error;
      await this.repersonalize(key);
    }
  }

  /**
   * Retrains the head saved under `key` on this classifier's version, from the pretrained head,
   * on the samples kept with it (saveHead(key, { keepSamples: true })) and with the settings it
   * was trained with (override any in `options`); saves the new head under the same key and
   * installs it. On failure or abort the head in use and the saved one stay as they were.
   */
  async repersonalize(key: string, options: RepersonalizeOptions = {}): Promise<{ report: PersonalizeReport; head: HeadSummary }> {
    // The key is checked in the worker, with the stored head.
    const overrides = pickPersonalizeOptions(options);
    resolvePersonalizeOptions(overrides);
    const result = await this.#cancellableCall(options, (callId, onStep) => (api) =>
      api.repersonalize({ key, overrides, callId }, onStep ? callbackProxy(onStep) : undefined),
    );
    this.#head = result.head;
    return { report: result.report, head: result.saved };
  }

  listHeads(): Promise<HeadSummary[]> {
    return this.#call((api) => api.listHeads());
  }

  deleteHead(key: string): Promise<boolean> {
    return this.#call((api) => api.deleteHead(key));
  }

  /** @internal the live worker connection, for fault-injection tests */
  get [WORKER_CONNECTION](): WorkerConnection | undefined {
    return this.#connection;
  }

  /** Releases the model and stops the worker; later calls fail with E_DISPOSED. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const connection = this.#connection;
    this.#connection = undefined;
    if (!connection) return;
    try {
      // The worker fails its queued calls with E_DISPOSED, stops a running personalize() at its
      // next step and lets the run in flight finish (milliseconds). The timeout only bounds a
      // worker stuck elsewhere; terminate() is safe either way (it waits out a native call).
      const timeout = delay(10_000);
      try {
        await Promise.race([runGuarded(connection, undefined, (api) => api.dispose()).catch(() => undefined), timeout.promise]);
      } finally {
        timeout.cancel();
      }
    } finally {
      await connection.terminate();
    }
  }

  async #call<T>(task: (api: EngineApi) => Promise<T>): Promise<T> {
    if (this.#disposed) throw new EdgetuneError(ErrorCodes.DISPOSED, 'this classifier was disposed; call loadClassifier() again');
    const connection = this.#connection ?? (await this.#restart());
    try {
      return await runGuarded(connection, undefined, task as (api: unknown) => Promise<T>);
    } catch (error) {
      if ((error as { code?: string }).code === ErrorCodes.WORKER_CRASHED && this.#connection === connection) {
        this.#connection = undefined;
        void connection.terminate();
      }
      throw error;
    }
  }

  /**
   * A crashed worker is replaced on the next call, reloading the model (from the cache when
   * enabled) and the personalized head, if any.
   */
  #restart(): Promise<WorkerConnection> {
    this.#restarting ??= (async () => {
      const connection = this.connect(this.request.backend);
      try {
        this.#info = await runGuarded(connection, undefined, (api) => api.load(this.request));
      } catch (error) {
        await connection.terminate();
        throw error;
      }
      // The model loaded: the worker is kept even if the head cannot be restored.
      this.#adopt(connection);
      await this.#restoreHead(connection);
      return connection;
    })().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }

  /** Re-imports the head the crashed worker held; if that fails (e.g. the reload found a new model version), this call says so once. */
  async #restoreHead(connection: WorkerConnection): Promise<void> {
    const head = this.#head;
    if (!head) return;
    try {
      const copy = head.slice();
      await runGuarded(connection, undefined, (api) => api.importHead(transfer(copy, [copy.buffer])));
    } catch (cause) {
      this.#head = undefined;
      throw new EdgetuneError(
        errorCodeOf(cause) ?? ErrorCodes.HEAD_INVALID,
        `the model worker was restarted, but the personalized head could not be restored (${(cause as Error).message}); ` +
          'the pretrained head is in use now: personalize again or load a saved head.',
        { cause },
      );
    }
  }
}
