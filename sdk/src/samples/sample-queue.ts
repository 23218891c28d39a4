import type { SampleWire } from './sample-wire.ts';

/**
 * Where a SampleUploader keeps its queue between runs: the whole queue is saved after each
 * change, so a crash leaves either the old queue or the new one.
 */
export interface SampleQueueStore {
  load(): Promise<SampleWire[]>;
  save(samples: readonly SampleWire[]): Promise<void>;
}

/** Keeps the queue in memory only (tests, short-lived scripts). */
export class MemorySampleQueue implements SampleQueueStore {
  private samples: SampleWire[] = [];
  async load(): Promise<SampleWire[]> {
    return [...this.samples];
  }
  async save(samples: readonly SampleWire[]): Promise<void> {
    this.samples = [...samples];
  }
}
