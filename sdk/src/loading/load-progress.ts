/** Progress of one checkpoint load, in bytes per file and overall. */

export type LoadPhase = 'runtime' | 'manifest' | 'download' | 'verify' | 'ready';

/**
 * - `runtime`: bytes of ONNX Runtime's wasm (`file`) arrived, or were read from the cache
 *   (`fromCache: true`, in one event). Only browsers download a runtime, once per worker.
 * - `manifest`: the manifest is known; its file sizes join `total`.
 * - `download`: bytes of `file` arrived. A cached file is verified first, then reported in one
 *   event with `fromCache: true`.
 * - `verify`: a downloaded `file` is complete and its sha256 is being checked.
 * - `ready`: every file is verified and the runtime has started; `loaded === total`.
 * `loaded` counts the runtime and model bytes so far and never decreases, nor does a file's
 * `fileLoaded`; `total` grows once, when the manifest is known. Events without a file carry 0
 * file bytes.
 */
export interface LoadProgress {
  readonly phase: LoadPhase;
  readonly file?: string;
  readonly fileLoaded: number;
  readonly fileTotal: number;
  readonly loaded: number;
  readonly total: number;
  readonly fromCache: boolean;
}

export type ProgressListener = (event: LoadProgress) => void;

/** Turns per-file byte counts into LoadProgress events with running totals. */
export class ProgressReporter {
  readonly #loadedByFile = new Map<string, number>();
  #loaded = 0;

  constructor(
    private readonly total: number,
    private readonly listener: ProgressListener | undefined,
  ) {}

  manifestReady(fromCache: boolean): void {
    this.#emit({ phase: 'manifest', fileLoaded: 0, fileTotal: 0, fromCache });
  }

  fileBytes(file: string, fileLoaded: number, fileTotal: number, fromCache: boolean): void {
    const before = this.#loadedByFile.get(file) ?? 0;
    if (fileLoaded < before) return;
    this.#loadedByFile.set(file, fileLoaded);
    this.#loaded += fileLoaded - before;
    this.#emit({ phase: 'download', file, fileLoaded, fileTotal, fromCache });
  }

  verifying(file: string, fileTotal: number): void {
    this.#emit({ phase: 'verify', file, fileLoaded: this.#loadedByFile.get(file) ?? 0, fileTotal, fromCache: false });
  }

  ready(fromCache: boolean): void {
    this.#emit({ phase: 'ready', fileLoaded: 0, fileTotal: 0, fromCache });
  }

  #emit(event: Omit<LoadProgress, 'loaded' | 'total'>): void {
    this.listener?.({ ...event, loaded: this.#loaded, total: this.total });
  }
}
