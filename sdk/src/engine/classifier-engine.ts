import type { CheckpointFileName, Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { EngineApi, EngineInfo, LoadProgress, LoadRequest } from './engine-protocol.ts';
import type { InferenceSession, Runtime, RuntimeSelector } from './ort-types.ts';

export const PIXELS = 28 * 28;

export interface LoadedFiles {
  readonly manifest: Manifest;
  readonly files: Record<CheckpointFileName, Uint8Array>;
  readonly source: 'network' | 'cache' | 'mixed';
  readonly offline: boolean;
}

/** What differs between the browser worker and the Node worker thread. */
export interface EnginePlatform {
  readonly selectRuntime: RuntimeSelector;
  loadFiles(request: LoadRequest, onProgress?: (event: LoadProgress) => void): Promise<LoadedFiles>;
}

interface Loaded {
  readonly runtime: Runtime;
  readonly manifest: Manifest;
  readonly session: InferenceSession;
}

/** Hosts the ONNX Runtime sessions of one checkpoint inside a worker. */
export class ClassifierEngine implements EngineApi {
  #loaded: Loaded | undefined;
  #loading: Promise<EngineInfo> | undefined;
  #disposed = false;
  /** ONNX Runtime Web rejects overlapping run() calls on one session, so runs are queued. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly platform: EnginePlatform) {}

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
    const runtime = await this.platform.selectRuntime(request.backend, request.threads);
    const checkpoint = await this.platform.loadFiles(request, onProgress);
    const session = await this.#createSession(runtime, checkpoint.files['model.onnx'], 'model.onnx');
    this.#loaded = { runtime, manifest: checkpoint.manifest, session };
    return {
      manifest: checkpoint.manifest,
      backend: runtime.backend,
      runtime: runtime.description,
      threads: runtime.threads,
      source: checkpoint.source,
      offline: checkpoint.offline,
    };
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
    return this.#enqueue(async () => {
      const { ort, description } = loaded.runtime;
      const image = new ort.Tensor('float32', pixels, [count, 1, 28, 28]);
      try {
        const outputs = await loaded.session.run({ [loaded.manifest.input.name]: image }, [loaded.manifest.outputs.probs.name]);
        const probs = outputs[loaded.manifest.outputs.probs.name]!;
        // A copy the worker owns, so it can be transferred to the caller.
        const values = (probs.data as Float32Array).slice();
        probs.dispose?.();
        return values;
      } catch (cause) {
        throw new EdgetuneError(ErrorCodes.RUNTIME, `inference failed on ${description}: ${(cause as Error).message ?? cause}`, { cause });
      } finally {
        image.dispose?.();
      }
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const loaded = this.#loaded;
    this.#loaded = undefined;
    await this.#queue.catch(() => undefined);
    await loaded?.session.release();
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #assertUsable(): void {
    if (this.#disposed) throw new EdgetuneError(ErrorCodes.DISPOSED, 'this classifier was disposed; call loadClassifier() again');
  }

  #requireLoaded(): Loaded {
    this.#assertUsable();
    if (!this.#loaded) throw new EdgetuneError(ErrorCodes.RUNTIME, 'no model is loaded yet; await loadClassifier() first');
    return this.#loaded;
  }
}
