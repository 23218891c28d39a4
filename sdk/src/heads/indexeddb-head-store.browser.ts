import { wrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { byKey, summarizeHead, validateHeadKey, validateHeadRecord, type HeadRecord, type HeadSummary } from './head-record.ts';
import { warnOnConsole, type HeadStore, type HeadStoreWarning } from './head-store.ts';
import type { KeptSamples } from './kept-samples.ts';
import { DEFAULTS } from '../defaults.ts';

export const HEADS_DATABASE = DEFAULTS.browserHeadsDatabase;
const DATABASE_VERSION = 1;
const STORE = 'heads';

/** One entry of the `heads` object store (keyPath `key`); bytes (and kept pixels) as ArrayBuffers of their own. */
interface StoredHead extends Omit<HeadRecord, 'bytes' | 'kept'> {
  readonly bytes: ArrayBuffer;
  readonly kept?: Omit<KeptSamples, 'pixels'> & { readonly pixels: ArrayBuffer };
}

export interface OpenIndexedDbHeadStoreOptions {
  /** Default: 'edgetune-heads'. */
  readonly databaseName?: string;
  /** Default: globalThis.indexedDB (windows and workers). Tests pass a storage bucket's, which has a quota. */
  readonly indexedDB?: IDBFactory;
  /** Entries list() skipped because they are damaged. Default: console.warn. */
  readonly onWarning?: HeadStoreWarning;
}

/**
 * Opens the heads database, or throws E_HEAD_STORAGE where IndexedDB is missing or refuses
 * to open (private browsing, site data blocked, a database from a newer edgetune).
 */
export async function openIndexedDbHeadStore(options: OpenIndexedDbHeadStoreOptions = {}): Promise<IndexedDbHeadStore> {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const databaseName = options.databaseName ?? HEADS_DATABASE;
  if (!factory) {
    throw new EdgetuneError(
      ErrorCodes.HEAD_STORAGE,
      'IndexedDB is not available here, so heads cannot be saved or loaded; keep a head with exportHead() instead.',
    );
  }
  const connect = () => connectHeadsDatabase(factory, databaseName);
  return new IndexedDbHeadStore(databaseName, await connect(), connect, options.onWarning ?? warnOnConsole);
}

/**
 * Heads in IndexedDB, one transaction per operation: IndexedDB commits a transaction whole or
 * not at all, so a failed save (quota, tab closed) leaves the previous head in place.
 * Create it with openIndexedDbHeadStore().
 */
export class IndexedDbHeadStore implements HeadStore {
  #current: IDBPDatabase | undefined;
  #opening: Promise<IDBPDatabase> | undefined;

  constructor(
    readonly databaseName: string,
    connection: IDBPDatabase,
    private readonly connect: () => Promise<IDBPDatabase>,
    private readonly warn: HeadStoreWarning,
  ) {
    this.#adopt(connection);
  }

  async save(record: HeadRecord): Promise<void> {
    const { bytes, kept, ...fields } = validateHeadRecord(record);
    // Copies with their own buffers: cloning a view would store the whole buffer behind it.
    const value: StoredHead = { ...fields, bytes: new Uint8Array(bytes).buffer, ...(kept ? { kept: { ...kept, pixels: new Uint8Array(kept.pixels).buffer } } : {}) };
    const db = await this.#db();
    try {
      // Strict: resolve only once the head is on disk; saves are rare and the user's work is in them.
      const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
      await inTransaction(tx, () => tx.store.put(value));
    } catch (cause) {
      const problem =
        nameOf(cause) === 'QuotaExceededError'
          ? `there is not enough storage for its ${bytes.byteLength} bytes; delete heads you no longer need or free storage for this site`
          : describe(cause);
      throw new EdgetuneError(
        ErrorCodes.HEAD_STORAGE,
        `Could not save head '${fields.key}' in IndexedDB: ${problem}. The previous head under that key is unchanged.`,
        { cause },
      );
    }
  }

  async load(key: string): Promise<HeadRecord | undefined> {
    validateHeadKey(key);
    const db = await this.#db();
    let value: unknown;
    try {
      const tx = db.transaction(STORE, 'readonly');
      value = await inTransaction(tx, () => tx.store.get(key));
    } catch (cause) {
      throw new EdgetuneError(ErrorCodes.HEAD_STORAGE, `Could not read head '${key}' from IndexedDB (${describe(cause)}); try again.`, { cause });
    }
    return value === undefined ? undefined : this.#decode(value, key);
  }

  async list(): Promise<HeadSummary[]> {
    const db = await this.#db();
    let values: unknown[];
    try {
      const tx = db.transaction(STORE, 'readonly');
      values = await inTransaction(tx, () => tx.store.getAll());
    } catch (cause) {
      throw new EdgetuneError(ErrorCodes.HEAD_STORAGE, `Could not list heads in IndexedDB (${describe(cause)}); try again.`, { cause });
    }
    const summaries: HeadSummary[] = [];
    for (const value of values) {
      try {
        summaries.push(summarizeHead(this.#decode(value)));
      } catch (warning) {
        this.warn(warning as EdgetuneError);
      }
    }
    return summaries.sort(byKey);
  }

  async delete(key: string): Promise<boolean> {
    validateHeadKey(key);
    const db = await this.#db();
    try {
      const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
      return await inTransaction(tx, async () => {
        if ((await tx.store.getKey(key)) === undefined) return false;
        await tx.store.delete(key);
        return true;
      });
    } catch (cause) {
      throw new EdgetuneError(ErrorCodes.HEAD_STORAGE, `Could not delete head '${key}' from IndexedDB (${describe(cause)}); try again.`, { cause });
    }
  }

  /** Releases the connection; a later call opens a new one. */
  close(): void {
    this.#current?.close();
    this.#current = undefined;
  }

  async #db(): Promise<IDBPDatabase> {
    if (this.#current) return this.#current;
    this.#opening ??= this.connect().finally(() => (this.#opening = undefined));
    const db = await this.#opening;
    if (this.#current !== db) this.#adopt(db);
    return db;
  }

  /** Drops a connection the browser closes (storage cleared) or another tab needs gone (upgrade, deletion). */
  #adopt(db: IDBPDatabase): void {
    this.#current = db;
    const forget = () => {
      if (this.#current === db) this.#current = undefined;
    };
    db.addEventListener('versionchange', () => {
      db.close();
      forget();
    });
    db.addEventListener('close', forget);
  }

  /** A stored value as a record, or E_HEAD_INVALID saying what is wrong with it. */
  #decode(value: unknown, key?: string): HeadRecord {
    const entryKey = key ?? (value as { key?: unknown } | null)?.key;
    const subject = typeof entryKey === 'string' ? `The head saved under '${entryKey}'` : 'A head entry';
    const remedy = typeof entryKey === 'string' ? `Delete it (delete('${entryKey}')) and personalize again.` : 'Clear this site\'s data for edgetune heads.';
    try {
      if (typeof value !== 'object' || value === null) throw new TypeError(`it is ${value === null ? 'null' : typeof value}, not an object`);
      const { bytes, kept, ...fields } = value as Record<string, unknown>;
      if (!(bytes instanceof ArrayBuffer)) throw new TypeError('its bytes are not an ArrayBuffer');
      let keptRecord: unknown;
      if (kept !== undefined) {
        const pixels = (kept as { pixels?: unknown } | null)?.pixels;
        if (!(pixels instanceof ArrayBuffer)) throw new TypeError('its kept pixels are not an ArrayBuffer');
        keptRecord = { ...(kept as object), pixels: new Uint8Array(pixels) };
      }
      return validateHeadRecord({ ...fields, bytes: new Uint8Array(bytes), ...(keptRecord ? { kept: keptRecord } : {}) }, 'entry');
    } catch (cause) {
      throw new EdgetuneError(
        ErrorCodes.HEAD_INVALID,
        `${subject} in IndexedDB database '${this.databaseName}' is damaged: ${(cause as Error).message}. ${remedy}`,
        { cause },
      );
    }
  }
}

async function connectHeadsDatabase(factory: IDBFactory, name: string): Promise<IDBPDatabase> {
  try {
    const request = factory.open(name, DATABASE_VERSION);
    request.addEventListener('upgradeneeded', () => {
      // Version 1: the first, so there is nothing to migrate.
      request.result.createObjectStore(STORE, { keyPath: 'key' });
    });
    const db = await wrap(request);
    if (!db) throw new Error('the browser returned no database');
    return db;
  } catch (cause) {
    throw new EdgetuneError(
      ErrorCodes.HEAD_STORAGE,
      `Could not open the IndexedDB database '${name}' (${describe(cause)}), so heads cannot be saved or loaded.` +
        ' Private browsing, blocked site data or a full disk cause this: allow storage for this site, or keep a head with exportHead().',
      { cause },
    );
  }
}

/**
 * Resolves with work's result once the transaction has completed; rejects if either fails.
 * The commit is awaited even for reads: quota errors often surface only as the transaction's
 * abort, and idb's tx.done would otherwise reject unobserved when the browser force-closes.
 */
async function inTransaction<T>(tx: IDBPTransaction<unknown, [typeof STORE], IDBTransactionMode>, work: () => Promise<T>): Promise<T> {
  const [result] = await Promise.all([work(), tx.done]);
  return result;
}

function nameOf(error: unknown): unknown {
  return (error as { name?: unknown } | null)?.name;
}

/** DOMExceptions from IndexedDB often carry an empty message: the name says more. */
function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  return cause.message ? `${cause.name}: ${cause.message}` : cause.name;
}
