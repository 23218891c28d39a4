import type { CheckpointFileName, Manifest } from '../artifacts/manifest.ts';
import { MODEL_PIXEL_COUNT as PIXELS } from '../input/classifier-input.ts';
import { EdgetuneError, errorCodeOf, ErrorCodes, InputTypeError } from '../errors.ts';
import type { HeadStore } from '../heads/head-store.ts';
import { PersonalizationHost } from '../personalize/personalization-host.ts';
import type { StepProgress } from '../personalize/personalize-report.ts';
import { checkSessions } from './check-sessions.ts';
import type { EngineApi, EngineInfo, LoadProgress, LoadRequest, PersonalizeRequest, PersonalizeResult, RepersonalizeRequest, RepersonalizeResult, RuntimeInfo, UpdateCheck } from './engine-protocol.ts';
import type { InferenceSession, OrtTensor, Runtime, RuntimeSelector } from './ort-types.ts';
import { JoinedProgress } from './runtime-progress.ts';
import { RuntimeStarter, type RuntimeRequest } from './runtime-start.ts';


export interface LoadedFiles {
  readonly manifest: Manifest;
  readonly files: Record<CheckpointFileName, Uint8Array>;
  readonly source: 'network' | 'cache' | 'mixed';
  readonly offline: boolean;
  readonly withdrawn?: EngineInfo['withdrawn'];
  /** The lease on the cached files (released on dispose). */
  readonly lease?: string;
}

/** What differs between the browser worker and the Node worker thread. */
export interface EnginePlatform {
  readonly selectRuntime: RuntimeSelector;
  /**
   * Reads the checkpoint. Work that need not delay the load (browser: writing the downloaded files
   * to the cache) may go to `keepAlive`, which the engine lets finish before it stops.
   */
  loadFiles(request: LoadRequest, onProgress: ((event: LoadProgress) => void) | undefined, keepAlive: (work: Promise<void>) => void): Promise<LoadedFiles>;
  /** Ends a lease loadFiles took: the cache may delete files only it kept. */
  releaseFiles(lease: string): Promise<void>;
  /** Which version the request's source would load now (see check-for-update.ts). */
  checkForUpdate(request: LoadRequest, current: string): Promise<UpdateCheck>;
  /** Where saveHead() keeps heads: IndexedDB in the browser, a directory in Node. */
  openHeadStore(): Promise<HeadStore>;
}

interface Loaded {
  readonly request: LoadRequest;
  readonly lease: string | undefined;
  readonly runtime: Runtime;
  readonly manifest: Manifest;
  readonly session: InferenceSession;
  readonly head: PersonalizationHost;
}

/** Feature rows per model.onnx run when the runtime sets no chunk (WebGPU): bounds GPU memory. */
const MAX_FEATURE_RUN = 256;

/** Hosts the ONNX Runtime sessions of one checkpoint inside a worker. */
export class ClassifierEngine implements EngineApi {
  #loaded: Loaded | undefined;
  #loading: Promise<EngineInfo> | undefined;
  #disposed = false;
  /** ONNX Runtime Web rejects overlapping run() calls on one session, so runs are queued. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Personalize calls not yet settled, by call id: each has its own cancellation. */
  readonly #personalizing = new Map<number, { cancelled: boolean }>();

  readonly #runtime: RuntimeStarter;
  /** Cache writes left running by loads and the runtime's start; failures were reported as warnings. */
  #background: Promise<unknown> = Promise.resolve();
  readonly #keepAlive = (work: Promise<void>): void => {
    this.#background = Promise.all([this.#background, work.catch(() => undefined)]);
  };

  constructor(private readonly platform: EnginePlatform) {
    this.#runtime = new RuntimeStarter(platform.selectRuntime, this.#keepAlive);
  }

  /** Starts the runtime before a model is chosen; the next load() on this engine reuses it. */
  async startRuntime(request: RuntimeRequest, onProgress?: (event: LoadProgress) => void): Promise<RuntimeInfo> {
    this.#assertUsable();
    const progress = onProgress ? new JoinedProgress(onProgress) : undefined;
    progress?.modelNotNeeded();
    const startup = this.#runtime.start(request, progress?.runtimeBytes);
    progress?.runtimeSoFar(startup.bytesSoFar);
    try {
      const runtime = await startup.started;
      progress?.runtimeStarted();
      return { backend: runtime.backend, runtime: runtime.description, threads: runtime.threads };
    } finally {
      startup.detach();
    }
  }

  load(request: LoadRequest, onProgress?: (event: LoadProgress) => void): Promise<EngineInfo> {
    this.#assertUsable();
    if (this.#loading) throw new EdgetuneError(ErrorCodes.RUNTIME, 'this engine already holds a model; spawn a new worker for another');
    this.#loading = this.#load(request, onProgress);
    this.#loading.catch(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(request: LoadRequest, onProgress?: (event: LoadProgress) => void): Promise<EngineInfo> {
    // The runtime (or the one preloadRuntime() started) and the download run side by side.
    const progress = onProgress ? new JoinedProgress(onProgress) : undefined;
    const startup = this.#runtime.start({ backend: request.backend, threads: request.threads, cache: request.cache }, progress?.runtimeBytes);
    progress?.runtimeSoFar(startup.bytesSoFar);
    let runtime: Runtime;
    let checkpoint: LoadedFiles;
    try {
      const download = this.platform.loadFiles(request, progress?.checkpoint, this.#keepAlive);
      // Awaited below; an unavailable backend is reported first and the download is left to finish.
      download.catch(() => undefined);
      runtime = await startup.selected;
      [checkpoint] = await Promise.all([download, startup.started]);
      progress?.runtimeStarted();
    } finally {
      startup.detach();
    }
    const manifest = checkpoint.manifest;
    const session = await this.#createSession(runtime, checkpoint.files['model.onnx'], 'model.onnx');
    // One after the other: the WebGPU EP refuses to create two sessions at once.
    const headSession = await this.#createSession(runtime, checkpoint.files['head.onnx'], 'head.onnx');
    checkSessions(manifest, { model: session, head: headSession });
    let storePromise: Promise<HeadStore> | undefined;
    const head = new PersonalizationHost(
      runtime.ort,
      manifest,
      { trainStep: checkpoint.files['train-step.onnx'], pretrained: checkpoint.files['head.safetensors'] },
      headSession,
      (bytes, file) => this.#createSession(runtime, bytes, file),
      (pixels, count) => this.#features(pixels, count),
      () => {
        // A failed open (e.g. storage blocked) is retried on the next call, not remembered.
        storePromise ??= this.platform.openHeadStore();
        storePromise.catch(() => (storePromise = undefined));
        return storePromise;
      },
    );
    this.#loaded = { request, lease: checkpoint.lease, runtime, manifest, session, head };
    return {
      manifest: checkpoint.manifest,
      backend: runtime.backend,
      runtime: runtime.description,
      threads: runtime.threads,
      runChunk: runtime.runChunk,
      source: checkpoint.source,
      offline: checkpoint.offline,
      ...(checkpoint.withdrawn ? { withdrawn: checkpoint.withdrawn } : {}),
    };
  }

  checkForUpdate(): Promise<UpdateCheck> {
    const loaded = this.#requireLoaded();
    return this.platform.checkForUpdate(loaded.request, loaded.manifest.version);
  }

  async #createSession(runtime: Runtime, bytes: Uint8Array, file: string): Promise<InferenceSession> {
    try {
      return await runtime.ort.InferenceSession.create(bytes, runtime.sessionOptions);
    } catch (cause) {
      throw new EdgetuneError(
        ErrorCodes.RUNTIME,
        `ONNX Runtime (${runtime.description}) could not load ${file}: ${(cause as Error).message ?? cause}. ` +
          'The file passed its integrity check, so try another backend or re-export the checkpoint.',
        { cause },
      );
    }
  }

  classify(pixels: Float32Array, count: number): Promise<Float32Array> {
    const loaded = this.#requireLoaded();
    if (!(pixels instanceof Float32Array) || !Number.isInteger(count) || count < 1 || pixels.length !== count * PIXELS) {
      throw new EdgetuneError(ErrorCodes.INPUT_RANGE, `classify expects ${count} x ${PIXELS} floats, got ${pixels?.length}`);
    }
    // One run per call: the caller splits a batch into runs of `runtime.runChunk` (see EngineInfo).
    return this.#enqueue(async () => {
      try {
        return await this.#probabilities(loaded, pixels, count);
      } catch (cause) {
        throw new EdgetuneError(ErrorCodes.RUNTIME, `inference failed on ${loaded.runtime.description}: ${(cause as Error).message ?? cause}`, { cause });
      }
    });
  }

  /** Class probabilities for `count` images, in an array this worker owns (so it can be transferred). */
  async #probabilities(loaded: Loaded, pixels: Float32Array, count: number): Promise<Float32Array> {
    const image = new loaded.runtime.ort.Tensor('float32', pixels, [count, 1, 28, 28]);
    try {
      if (loaded.head.personalized) {
        // The backbone's features through the personalized head.
        const features = await this.#runFeatures(loaded, image);
        return (await loaded.head.probabilities(features, count)).slice();
      }
      const name = loaded.manifest.outputs.probs.name;
      const outputs = await loaded.session.run({ [loaded.manifest.input.name]: image }, [name]);
      const probs = outputs[name]!;
      const values = (probs.data as Float32Array).slice();
      probs.dispose?.();
      return values;
    } finally {
      image.dispose?.();
    }
  }

  async #runFeatures(loaded: Loaded, image: OrtTensor): Promise<Float32Array> {
    const name = loaded.manifest.outputs.features.name;
    const outputs = await loaded.session.run({ [loaded.manifest.input.name]: image }, [name]);
    return outputs[name]!.data as Float32Array;
  }

  /** model.onnx features for `count` images, in bounded batches. */
  async #features(pixels: Float32Array, count: number): Promise<Float32Array> {
    const loaded = this.#requireLoaded();
    const size = loaded.manifest.featureSize;
    const chunk = loaded.runtime.runChunk ?? MAX_FEATURE_RUN;
    const out = new Float32Array(count * size);
    for (let start = 0; start < count; start += chunk) {
      const n = Math.min(chunk, count - start);
      const image = new loaded.runtime.ort.Tensor('float32', pixels.subarray(start * PIXELS, (start + n) * PIXELS), [n, 1, 28, 28]);
      try {
        out.set(await this.#runFeatures(loaded, image), start * size);
      } finally {
        image.dispose?.();
      }
    }
    return out;
  }

  personalize(request: PersonalizeRequest, onStep?: (progress: StepProgress) => void): Promise<PersonalizeResult> {
    const loaded = this.#requireLoaded();
    const classes = loaded.manifest.labels.length;
    const check = (pixels: Float32Array, labels: Int32Array, what: string) => {
      if (!(pixels instanceof Float32Array) || !(labels instanceof Int32Array) || labels.length < 1 || pixels.length !== labels.length * PIXELS) {
        throw new EdgetuneError(ErrorCodes.INPUT_RANGE, `${what}: expected ${labels?.length} x ${PIXELS} floats and as many labels`);
      }
      const bad = labels.findIndex((l) => l < 0 || l >= classes);
      if (bad >= 0) throw new EdgetuneError(ErrorCodes.INPUT_RANGE, `${what}[${bad}]: label index ${labels[bad]} is outside 0..${classes - 1}`);
    };
    check(request.pixels, request.labels, 'samples');
    if (request.replay) check(request.replay.pixels, request.replay.labels, 'options.replay');
    return this.#cancellable(request.callId, async (isCancelled) => {
      const report = await loaded.head.personalize({ pixels: request.pixels, labels: request.labels }, request.replay, request.options, onStep, isCancelled);
      return { report, head: loaded.head.exportHead() };
    });
  }

  repersonalize(request: RepersonalizeRequest, onStep?: (progress: StepProgress) => void): Promise<RepersonalizeResult> {
    const loaded = this.#requireLoaded();
    return this.#cancellable(request.callId, async (isCancelled) => {
      const { report, head } = await loaded.head.repersonalize(request.key, request.overrides ?? {}, onStep, isCancelled);
      return { report, head: loaded.head.exportHead(), saved: head };
    });
  }

  /** Queues a training call like classify (ONNX Runtime Web runs one session at a time) that cancel(callId) can stop. */
  #cancellable<T>(callId: number, task: (isCancelled: () => boolean) => Promise<T>): Promise<T> {
    if (!Number.isSafeInteger(callId) || this.#personalizing.has(callId)) {
      throw new EdgetuneError(ErrorCodes.INPUT_RANGE, `personalize needs a call id not in use, got ${callId}`);
    }
    // Registered on arrival, so a cancel() sent after this request finds it even while it is queued.
    const call = { cancelled: false };
    this.#personalizing.set(callId, call);
    const isCancelled = () => call.cancelled || this.#disposed;
    const result = this.#enqueue(async () => {
      if (call.cancelled) throw new EdgetuneError(ErrorCodes.ABORTED, 'personalization was aborted before it started; the head is unchanged');
      try {
        return await task(isCancelled);
      } catch (error) {
        // Stopped by dispose(), not by its caller.
        if (this.#disposed && !call.cancelled && errorCodeOf(error) === ErrorCodes.ABORTED) throw disposedError();
        throw error;
      }
    });
    const forget = () => this.#personalizing.delete(callId);
    result.then(forget, forget);
    return result;
  }

  /** Unknown ids are ignored: the call has already settled. */
  cancel(callId: number): void {
    const call = this.#personalizing.get(callId);
    if (call) call.cancelled = true;
  }

  async resetHead(): Promise<void> {
    const loaded = this.#requireLoaded();
    await this.#enqueue(async () => loaded.head.resetHead());
  }

  async exportHead(): Promise<Uint8Array> {
    return this.#requireLoaded().head.exportHead();
  }

  async importHead(bytes: Uint8Array): Promise<void> {
    const loaded = this.#requireLoaded();
    await this.#enqueue(async () => loaded.head.importHead(bytes));
  }

  saveHead(key: string, options?: { keepSamples?: boolean }) {
    const keepSamples = options?.keepSamples;
    if (keepSamples !== undefined && typeof keepSamples !== 'boolean') throw new InputTypeError('options.keepSamples must be a boolean');
    return this.#requireLoaded().head.saveHead(key, { keepSamples: keepSamples === true });
  }

  async loadHead(key: string): Promise<Uint8Array> {
    const loaded = this.#requireLoaded();
    return this.#enqueue(async () => {
      await loaded.head.loadHead(key);
      return loaded.head.exportHead();
    });
  }

  listHeads() {
    return this.#requireLoaded().head.listHeads();
  }

  deleteHead(key: string) {
    return this.#requireLoaded().head.deleteHead(key);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const loaded = this.#loaded;
    this.#loaded = undefined;
    await this.#queue.catch(() => undefined);
    await loaded?.session.release();
    // The cache writes first, so that the next start (even offline) finds the files this one
    // fetched; the lease keeps them until those writes are done.
    await this.#background;
    if (loaded?.lease) await this.platform.releaseFiles(loaded.lease);
  }

  /** Runs `task` after those queued before it; once disposed, queued tasks fail instead of starting. */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const start = () => {
      if (this.#disposed) throw disposedError();
      return task();
    };
    const run = this.#queue.then(start, start);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #assertUsable(): void {
    if (this.#disposed) throw disposedError();
  }

  #requireLoaded(): Loaded {
    this.#assertUsable();
    if (!this.#loaded) throw new EdgetuneError(ErrorCodes.RUNTIME, 'no model is loaded yet; await loadClassifier() first');
    return this.#loaded;
  }
}

function disposedError(): EdgetuneError {
  return new EdgetuneError(ErrorCodes.DISPOSED, 'this classifier was disposed; call loadClassifier() again');
}
