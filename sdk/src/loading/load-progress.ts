import type { LoadPhase, LoadProgress } from '../engine/engine-protocol.ts';

export type { LoadPhase, LoadProgress };

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
