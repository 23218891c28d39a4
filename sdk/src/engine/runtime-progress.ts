import type { LoadProgress } from '../loading/load-progress.ts';

/** Bytes of the runtime's wasm: the one file a browser worker fetches besides the model's. */
export interface RuntimeBytes {
  readonly file: string;
  readonly fileLoaded: number;
  readonly fileTotal: number;
  readonly fromCache: boolean;
}

export type RuntimeBytesListener = (bytes: RuntimeBytes) => void;

/**
 * One progress stream for a load: the runtime's bytes and the checkpoint's, counted together so
 * that `loaded / total` fills one bar. The checkpoint's `ready` is held back until the runtime
 * has started too, so `ready` stays the last event.
 */
export class JoinedProgress {
  #runtime: RuntimeBytes | undefined;
  #model = { loaded: 0, total: 0 };
  #modelReady = false;
  #modelFromCache = true;
  #runtimeStarted = false;

  constructor(private readonly listener: (event: LoadProgress) => void) {}

  /** Joins a runtime that is already downloading (e.g. started by preloadRuntime). */
  runtimeSoFar(bytes: RuntimeBytes | undefined): void {
    this.#runtime = bytes;
  }

  readonly runtimeBytes = (bytes: RuntimeBytes): void => {
    if (this.#runtime && bytes.fileLoaded < this.#runtime.fileLoaded) return;
    this.#runtime = bytes;
    this.#emit({ phase: 'runtime', ...bytes });
  };

  readonly checkpoint = (event: LoadProgress): void => {
    this.#model = { loaded: event.loaded, total: event.total };
    if (event.phase === 'ready') {
      this.#modelReady = true;
      this.#modelFromCache = event.fromCache;
      this.#readyIfBoth();
      return;
    }
    const { loaded: _loaded, total: _total, ...rest } = event;
    this.#emit(rest);
  };

  /** No checkpoint to wait for (preloadRuntime). */
  modelNotNeeded(): void {
    this.#modelReady = true;
  }

  runtimeStarted(): void {
    this.#runtimeStarted = true;
    this.#readyIfBoth();
  }

  #readyIfBoth(): void {
    if (!this.#modelReady || !this.#runtimeStarted) return;
    const fromCache = this.#modelFromCache && (this.#runtime?.fromCache ?? true);
    this.#emit({ phase: 'ready', fileLoaded: 0, fileTotal: 0, fromCache });
  }

  #emit(event: Omit<LoadProgress, 'loaded' | 'total'>): void {
    const runtimeLoaded = this.#runtime?.fileLoaded ?? 0;
    const runtimeTotal = this.#runtime?.fileTotal ?? 0;
    this.listener({ ...event, loaded: this.#model.loaded + runtimeLoaded, total: this.#model.total + runtimeTotal });
  }
}
