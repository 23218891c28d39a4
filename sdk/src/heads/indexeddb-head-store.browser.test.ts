/** Runs in Chromium (vitest browser project): the real IndexedDB behind IndexedDbHeadStore. */
import { afterEach, describe, expect, it } from 'vitest';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { decodeHead } from './head-codec.ts';
import { HEADS_DATABASE, IndexedDbHeadStore, openIndexedDbHeadStore } from './indexeddb-head-store.browser.ts';
import { bitsOf, describeHeadStoreContract, makeKept, makeParameters, makeRecord, sameBytes } from './test-heads.ts';

/** Storage Buckets (Chromium): a separate IndexedDB with its own small quota. */
interface StorageBucketManager {
  open(name: string, options?: { quota?: number }): Promise<{ indexedDB: IDBFactory }>;
  delete(name: string): Promise<void>;
}
const buckets = (navigator as Navigator & { storageBuckets?: StorageBucketManager }).storageBuckets;

const opened: IndexedDbHeadStore[] = [];
const databases: string[] = [];
const bucketNames: string[] = [];

function freshName(): string {
  const name = `edgetune-heads-test-${crypto.randomUUID()}`;
  databases.push(name);
  return name;
}

async function open(databaseName: string, options: { indexedDB?: IDBFactory; onWarning?: (w: EdgetuneError) => void } = {}) {
  const store = await openIndexedDbHeadStore({ databaseName, ...options });
  opened.push(store);
  return store;
}

afterEach(async () => {
  for (const store of opened.splice(0)) store.close();
  await Promise.all(databases.splice(0).map((name) => new Promise((resolve) => Object.assign(indexedDB.deleteDatabase(name), { onsuccess: resolve, onerror: resolve }))));
  await Promise.all(bucketNames.splice(0).map((name) => buckets!.delete(name)));
});

describeHeadStoreContract('IndexedDbHeadStore', () => open(freshName()));

describe('IndexedDbHeadStore in a browser', () => {
  it('round-trips a head bit-exactly through IndexedDB, and the parameters decode unchanged', async () => {
    const store = await open(freshName());
    const record = makeRecord('alice', 5);
    await store.save(record);
    const loaded = await store.load('alice');
    expect(loaded?.bytes).toBeInstanceOf(Uint8Array);
    expect(sameBytes(loaded?.bytes, record.bytes)).toBe(true);
    const decoded = decodeHead(loaded!.bytes);
    for (const [name, tensor] of makeParameters(5)) expect(bitsOf(decoded.parameters.get(name)!.data)).toEqual(bitsOf(tensor.data));
  });

  it('keeps heads across connections: a new store on the same database sees them', async () => {
    const name = freshName();
    const first = await open(name);
    await first.save(makeRecord('alice', 1));
    await first.save(makeRecord('bob', 2));
    expect(await first.delete('bob')).toBe(true);
    first.close();

    const second = await open(name);
    expect(sameBytes((await second.load('alice'))?.bytes, makeRecord('alice', 1).bytes)).toBe(true);
    expect(await second.load('bob')).toBeUndefined();
    expect((await second.list()).map((summary) => summary.key)).toEqual(['alice']);
    // The closed store reconnects on its next call.
    expect((await first.list()).map((summary) => summary.key)).toEqual(['alice']);
  });

  it('stores the head as an ArrayBuffer of its own in the "heads" object store, keyed by key', async () => {
    const name = freshName();
    const store = await open(name);
    const record = makeRecord('alice');
    const padded = new Uint8Array(record.bytes.length + 64);
    padded.set(record.bytes, 32);
    await store.save({ ...record, bytes: padded.subarray(32, 32 + record.bytes.length) });
    store.close();

    const raw = await new Promise<IDBDatabase>((resolve, reject) => Object.assign(indexedDB.open(name), { onsuccess(this: IDBOpenDBRequest) { resolve(this.result); }, onerror: reject }));
    const value = await new Promise<Record<string, unknown>>((resolve) => {
      const request = raw.transaction('heads').objectStore('heads').get('alice');
      request.onsuccess = () => resolve(request.result as Record<string, unknown>);
    });
    raw.close();
    expect(value.bytes).toBeInstanceOf(ArrayBuffer);
    expect((value.bytes as ArrayBuffer).byteLength).toBe(record.bytes.length);
    expect(value).toMatchObject({ key: 'alice', model: 'mnist-mlp', version: '1.0.0', savedAt: record.savedAt, steps: 20, samples: 8 });
  });

  it('skips a damaged entry in list() with a warning and reports it from load() as E_HEAD_INVALID', async () => {
    const name = freshName();
    const warnings: EdgetuneError[] = [];
    const store = await open(name, { onWarning: (warning) => warnings.push(warning) });
    await store.save(makeRecord('good'));
    store.close();
    const raw = await new Promise<IDBDatabase>((resolve, reject) => Object.assign(indexedDB.open(name), { onsuccess(this: IDBOpenDBRequest) { resolve(this.result); }, onerror: reject }));
    await new Promise((resolve) => {
      const tx = raw.transaction('heads', 'readwrite');
      tx.objectStore('heads').put({ key: 'bad', model: 'mnist-mlp', version: '1.0.0', savedAt: 'never', bytes: 'not bytes' });
      tx.oncomplete = resolve;
    });
    raw.close();

    expect((await store.list()).map((summary) => summary.key)).toEqual(['good']);
    expect(warnings.map((warning) => warning.code)).toEqual([ErrorCodes.HEAD_INVALID]);
    await expect(store.load('bad')).rejects.toMatchObject({
      code: ErrorCodes.HEAD_INVALID,
      message: expect.stringMatching(/The head saved under 'bad' .* is damaged: its bytes are not an ArrayBuffer\. Delete it/),
    });
    expect(await store.delete('bad')).toBe(true);
  });

  it('refuses crafted kept samples in a stored entry as E_HEAD_INVALID, never half-read', async () => {
    const name = freshName();
    const warnings: EdgetuneError[] = [];
    const store = await open(name, { onWarning: (warning) => warnings.push(warning) });
    await store.save(makeRecord('good', 0, { kept: makeKept(2) }));
    store.close();
    const { bytes } = makeRecord('x');
    const settings = makeKept(1).settings;
    const crafted = [
      { key: 'not-buffer', kept: { pixels: 'pixels', labels: ['1'], settings } },
      { key: 'short', kept: { pixels: new ArrayBuffer(784), labels: ['1', '2'], settings } },
      { key: 'bad-settings', kept: { pixels: new ArrayBuffer(784), labels: ['1'], settings: { ...settings, learningRate: -1 } } },
    ];
    const raw = await new Promise<IDBDatabase>((resolve, reject) => Object.assign(indexedDB.open(name), { onsuccess(this: IDBOpenDBRequest) { resolve(this.result); }, onerror: reject }));
    await new Promise((resolve) => {
      const tx = raw.transaction('heads', 'readwrite');
      for (const entry of crafted) tx.objectStore('heads').put({ ...entry, model: 'mnist-mlp', version: '1.0.0', savedAt: '2025-01-01T00:00:00.000Z', bytes: new Uint8Array(bytes).buffer });
      tx.oncomplete = resolve;
    });
    raw.close();

    expect((await store.list()).map((summary) => [summary.key, summary.keptSamples])).toEqual([['good', 2]]);
    expect(warnings).toHaveLength(3);
    for (const [key, reason] of [['not-buffer', /kept pixels are not an ArrayBuffer/], ['short', /kept\.pixels must hold 2 x 784/], ['bad-settings', /kept\.settings/]] as const) {
      await expect(store.load(key)).rejects.toMatchObject({ code: ErrorCodes.HEAD_INVALID, message: expect.stringMatching(reason) });
    }
    expect(sameBytes((await store.load('good'))?.kept?.pixels, makeKept(2).pixels)).toBe(true);
  });

  it.skipIf(!buckets)('reports a full quota as E_HEAD_STORAGE and keeps the previous head intact', async () => {
    const bucketName = `edgetune-heads-quota-${crypto.randomUUID().slice(0, 8)}`;
    bucketNames.push(bucketName);
    const bucket = await buckets!.open(bucketName, { quota: 200_000 });
    const store = await open(HEADS_DATABASE, { indexedDB: bucket.indexedDB });
    const previous = makeRecord('alice', 1);
    await store.save(previous);

    // Random, so that no storage backend can compress it under the quota (a constant fill can).
    const bytes = new Uint8Array(2_000_000);
    for (let offset = 0; offset < bytes.length; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
    const huge = { ...makeRecord('alice', 2), bytes };
    const error = await store.save(huge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdgetuneError);
    expect(error).toMatchObject({
      code: ErrorCodes.HEAD_STORAGE,
      message: expect.stringMatching(/not enough storage for its 2000000 bytes.*previous head under that key is unchanged/),
    });
    expect(sameBytes((await store.load('alice'))?.bytes, previous.bytes)).toBe(true);
    expect(await store.list()).toEqual([expect.objectContaining({ key: 'alice', steps: 21, byteLength: previous.bytes.length })]);
  });

  it('reports a database it cannot open as E_HEAD_STORAGE saying what to do', async () => {
    const name = freshName();
    // A database from a "newer edgetune": version 2 cannot be opened at version 1.
    await new Promise((resolve, reject) => Object.assign(indexedDB.open(name, 2), { onsuccess(this: IDBOpenDBRequest) { this.result.close(); resolve(undefined); }, onerror: reject }));
    await expect(openIndexedDbHeadStore({ databaseName: name })).rejects.toMatchObject({
      code: ErrorCodes.HEAD_STORAGE,
      message: expect.stringMatching(/Could not open the IndexedDB database '.*' \(VersionError.*allow storage for this site, or keep a head with exportHead\(\)/),
    });

    const refusing = { open: () => { throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError'); } } as unknown as IDBFactory;
    await expect(openIndexedDbHeadStore({ indexedDB: refusing })).rejects.toMatchObject({ code: ErrorCodes.HEAD_STORAGE, message: expect.stringContaining('InvalidStateError') });
  });
});
