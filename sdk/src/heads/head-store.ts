import type { EdgetuneError } from '../errors.ts';
import type { HeadRecord, HeadSummary } from './head-record.ts';

/**
 * Where personalized heads persist between sessions, keyed by a caller-chosen key.
 *
 * Implementations: memory-head-store.ts, directory-head-store.node.ts,
 * indexeddb-head-store.browser.ts. All of them validate keys and records with head-record.ts
 * (InputTypeError / InputRangeError), report storage failures as E_HEAD_STORAGE and damaged
 * entries as E_HEAD_INVALID.
 */
export interface HeadStore {
  /**
   * Stores the record under record.key, replacing any head there. All or nothing: when save
   * fails, the previous head under that key (or its absence) is left exactly as it was.
   */
  save(record: HeadRecord): Promise<void>;
  /** The head under key, or undefined when none. Throws E_HEAD_INVALID when the entry is damaged. */
  load(key: string): Promise<HeadRecord | undefined>;
  /** Every readable head, sorted by key. Damaged entries are skipped and reported as warnings. */
  list(): Promise<HeadSummary[]>;
  /** true when a head was removed, false when there was none under key. */
  delete(key: string): Promise<boolean>;
}

/** Damaged entries list() skipped (E_HEAD_INVALID) and similar non-fatal problems. */
export type HeadStoreWarning = (warning: EdgetuneError) => void;

export function warnOnConsole(warning: EdgetuneError): void {
  console.warn(`[edgetune] ${warning.message}`);
}
