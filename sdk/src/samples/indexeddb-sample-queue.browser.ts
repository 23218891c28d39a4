import { openDB, type IDBPDatabase } from 'idb';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { SampleQueueStore } from './sample-queue.ts';
import type { SampleWire } from './sample-wire.ts';

export const SAMPLES_DATABASE = 'edgetune-samples';
const STORE = 'queues';

/**
 * The queue in IndexedDB, saved whole in one transaction per change: IndexedDB commits a
 * transaction entirely or not at all, so a closed tab leaves the previous queue or the new one.
 */
export class IndexedDbSampleQueue implements SampleQueueStore {
  #database: Promise<IDBPDatabase> | undefined;

  /** `name` separates the queues of several uploaders (e.g. one per model). */
  constructor(
    private readonly name = 'default',
    private readonly options: { readonly databaseName?: string; readonly indexedDB?: IDBFactory } = {},
  ) {}

  private database(): Promise<IDBPDatabase> {
    if (this.options.indexedDB === undefined && (globalThis as { indexedDB?: IDBFactory }).indexedDB === undefined) {
      throw new EdgetuneError(ErrorCodes.CACHE, 'IndexedDB is not available here; pass queue: new MemorySampleQueue() to keep samples in memory only.');
    }
    this.#database ??= openDB(this.options.databaseName ?? SAMPLES_DATABASE, 1, {
      upgrade: (db) => void db.createObjectStore(STORE),
    }).catch((cause: unknown) => {
      this.#database = undefined;
      throw new EdgetuneError(ErrorCodes.CACHE, `Cannot open the sample queue database: ${(cause as Error)?.message ?? cause}`, { cause });
    });
    return this.#database;
  }

  async load(): Promise<SampleWire[]> {
    const stored = (await (await this.database()).get(STORE, this.name)) as { samples?: SampleWire[] } | undefined;
    return Array.isArray(stored?.samples) ? stored.samples : [];
  }

  async save(samples: readonly SampleWire[]): Promise<void> {
    await (await this.database()).put(STORE, { samples: [...samples] }, this.name);
  }
}
