import { validateHeadKey, validateHeadRecord, byKey, summarizeHead, type HeadRecord, type HeadSummary } from './head-record.ts';
import type { HeadStore } from './head-store.ts';
import { copyKept } from './kept-samples.ts';

/** Keeps heads in this process only: for tests, and where no persistent storage exists. */
export class MemoryHeadStore implements HeadStore {
  readonly #records = new Map<string, HeadRecord>();

  async save(record: HeadRecord): Promise<void> {
    const checked = validateHeadRecord(record);
    // A plain copy (Buffer#slice would share memory), so later changes by the caller cannot reach the store.
    this.#records.set(checked.key, copyOf(checked));
  }

  async load(key: string): Promise<HeadRecord | undefined> {
    const record = this.#records.get(validateHeadKey(key));
    // A copy, so a caller transferring or mutating the result cannot damage the stored head.
    return record && copyOf(record);
  }

  async list(): Promise<HeadSummary[]> {
    return [...this.#records.values()].map(summarizeHead).sort(byKey);
  }

  async delete(key: string): Promise<boolean> {
    return this.#records.delete(validateHeadKey(key));
  }
}

function copyOf(record: HeadRecord): HeadRecord {
  return { ...record, bytes: new Uint8Array(record.bytes), ...(record.kept ? { kept: copyKept(record.kept) } : {}) };
}
