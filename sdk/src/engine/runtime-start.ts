import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { BackendRequest, Runtime, RuntimeSelector } from './ort-types.ts';
import type { RuntimeBytes, RuntimeBytesListener } from './runtime-progress.ts';

/** Runtime progress events per download, at most (plus the last). */
const RUNTIME_PROGRESS_STEPS = 100;

export interface RuntimeRequest {
  readonly backend: BackendRequest;
  readonly threads?: number;
  readonly cache: boolean;
}

export interface RuntimeStartup {
  /** Settles once the build is chosen: an unavailable backend is known before anything downloads. */
  readonly selected: Promise<Runtime>;
  /** Settles once the runtime has started (browser: its wasm fetched, compiled, threads up). */
  readonly started: Promise<Runtime>;
  /** The runtime's bytes reported before this caller joined (a start already under way). */
  readonly bytesSoFar: RuntimeBytes | undefined;
  /** Stops forwarding bytes to this caller's listener. */
  detach(): void;
}

/**
 * The one runtime of a worker, started once: by preloadRuntime() before a model is chosen, or by
 * the first load. Later callers join the start under way and hear its remaining progress.
 */
export class RuntimeStarter {
  #request: RuntimeRequest | undefined;
  #selected: Promise<Runtime> | undefined;
  #started: Promise<Runtime> | undefined;
  #lastBytes: RuntimeBytes | undefined;
  readonly #listeners = new Set<RuntimeBytesListener>();

  constructor(
    private readonly select: RuntimeSelector,
    /** Takes work the start leaves running (the wasm's cache write), to finish before the worker stops. */
    private readonly keepAlive: (work: Promise<void>) => void,
  ) {}

  start(request: RuntimeRequest, onBytes?: RuntimeBytesListener): RuntimeStartup {
    if (this.#request && !sameRequest(this.#request, request)) {
      throw new EdgetuneError(
        ErrorCodes.RUNTIME,
        `this worker's runtime was started with ${JSON.stringify(this.#request)}, not ${JSON.stringify(request)}; spawn a new worker`,
      );
    }
    const bytesSoFar = this.#lastBytes;
    if (onBytes) this.#listeners.add(onBytes);
    if (!this.#selected || !this.#started) {
      this.#request = request;
      const selected = this.select(request.backend, request.threads);
      const started = selected.then(async (runtime) => {
        await runtime.start?.({
          cache: request.cache,
          onBytes: (bytes) => this.#forward(bytes),
          keepAlive: this.keepAlive,
        });
        return runtime;
      });
      // Callers await these; this only keeps an unobserved failure from being reported as unhandled.
      started.catch(() => undefined);
      this.#selected = selected;
      this.#started = started;
    }
    return { selected: this.#selected, started: this.#started, bytesSoFar, detach: () => onBytes && this.#listeners.delete(onBytes) };
  }

  #forward(bytes: RuntimeBytes): void {
    // A 14 MB download arrives in hundreds of chunks; every percent is enough for a progress bar,
    // and each event crosses to the caller's thread.
    const last = this.#lastBytes;
    const step = bytes.fileTotal / RUNTIME_PROGRESS_STEPS;
    if (last && bytes.fileLoaded < bytes.fileTotal && bytes.fileLoaded - last.fileLoaded < step) return;
    this.#lastBytes = bytes;
    for (const listener of this.#listeners) listener(bytes);
  }
}

function sameRequest(a: RuntimeRequest, b: RuntimeRequest): boolean {
  return a.backend === b.backend && a.threads === b.threads && a.cache === b.cache;
}
