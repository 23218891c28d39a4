import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../artifacts/manifest.ts';
import type { EdgetuneError } from '../errors.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { DirectoryStore } from './directory-store.node.ts';
import { newLeaseKey, storeLease } from './cache-leases.ts';
import { releaseLease, sweepStore } from './cache-update.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import { DEFAULTS } from '../defaults.ts';
import type { LoadProgress } from './load-progress.ts';
import { MemoryStore } from './memory-store.ts';
import { makeCheckpoint, sameBytes, type TestCheckpoint } from './test-checkpoint.ts';
import { startCheckpointServer, writeCheckpoint, type CheckpointServer } from './test-checkpoint-server.ts';

let root: string;
let server: CheckpointServer;
let v1: TestCheckpoint;
let manifestUrl: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-cache-'));
  v1 = await makeCheckpoint('1.0.0');
  await writeCheckpoint(join(root, 'serve', 'mnist'), v1);
  server = await startCheckpointServer(join(root, 'serve'));
  manifestUrl = `${server.url}mnist/manifest.json`;
});

afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

function hashes(checkpoint: TestCheckpoint): string[] {
  return Object.values(checkpoint.manifest.files).map((file) => file.sha256).sort();
}

function expectFiles(loaded: { files: Record<string, Uint8Array> }, checkpoint: TestCheckpoint): void {
  for (const [name, bytes] of Object.entries(checkpoint.files)) expect(sameBytes(loaded.files[name], bytes), name).toBe(true);
}

async function rejection(promise: Promise<unknown>): Promise<EdgetuneError> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (reason: unknown) => reason as EdgetuneError,
  );
}

const stores: Array<[string, () => ArtifactStore]> = [
  ['memory store', () => new MemoryStore()],
  ['directory store', () => new DirectoryStore({ directory: join(root, 'cache') })],
];

describe.each(stores)('loadCheckpoint with a %s', (_, createStore) => {
  it('with commitLater, resolves with the verified files and hands over the cache write, which stores them under the lease', async () => {
    const store = createStore();
    const commits: Promise<void>[] = [];
    const loaded = await loadCheckpoint(manifestUrl, { store, lease: true, commitLater: (commit) => commits.push(commit) });
    expectFiles(loaded, v1);
    expect(commits).toHaveLength(1);
    await commits[0];
    expect((await store.listFiles()).sort()).toEqual(hashes(v1));
    expect(await store.listManifests()).toEqual(expect.arrayContaining([manifestUrl, loaded.lease]));

    server.requests.length = 0;
    expect(await loadCheckpoint(manifestUrl, { store })).toMatchObject({ source: 'cache' });
    expect(server.requests).toEqual(['/mnist/manifest.json']);
  });

  it('serves a second load from the cache, fetching only the manifest', async () => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    expect((await store.listFiles()).sort()).toEqual(hashes(v1));
    expect(await store.listManifests()).toEqual([manifestUrl]);

    server.requests.length = 0;
    const events: LoadProgress[] = [];
    const loaded = await loadCheckpoint(manifestUrl, { store, onProgress: (event) => events.push(event) });
    expect(server.requests).toEqual(['/mnist/manifest.json']);
    expect(loaded).toMatchObject({ source: 'cache', offline: false });
    expectFiles(loaded, v1);
    expect(events.filter((event) => event.phase === 'download').every((event) => event.fromCache)).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'ready', fromCache: true, loaded: events.at(-1)!.total });
  });

  it('replaces the cached files of an older version, downloading only the changed ones', async () => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    const v2 = await makeCheckpoint('2.0.0', { 'train-step.onnx': v1.files['train-step.onnx'], 'head.safetensors': v1.files['head.safetensors'] });
    await writeCheckpoint(join(root, 'serve', 'mnist'), v2);

    server.requests.length = 0;
    const loaded = await loadCheckpoint(manifestUrl, { store });
    expect(server.requests.sort()).toEqual(['/mnist/head.onnx', '/mnist/manifest.json', '/mnist/model.onnx']);
    expect(loaded.source).toBe('mixed');
    expectFiles(loaded, v2);
    expect((await store.listFiles()).sort()).toEqual(hashes(v2));
    expect((await store.getManifest(manifestUrl))?.version).toBe('2.0.0');
  });

  it('keeps old files that the manifest of another URL still references', async () => {
    const store = createStore();
    await writeCheckpoint(join(root, 'serve', 'mirror'), v1);
    await loadCheckpoint(manifestUrl, { store });
    await loadCheckpoint(`${server.url}mirror/manifest.json`, { store });
    const v2 = await makeCheckpoint('2.0.0');
    await writeCheckpoint(join(root, 'serve', 'mnist'), v2);

    await loadCheckpoint(manifestUrl, { store });
    expect((await store.listFiles()).sort()).toEqual([...hashes(v1), ...hashes(v2)].sort());
  });

  it('loads the cached copy with offline: true when the server is unreachable', async () => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    await server.close();

    const loaded = await loadCheckpoint(manifestUrl, { store });
    expect(loaded).toMatchObject({ source: 'cache', offline: true, manifestUrl });
    expect(loaded.manifest).toEqual(v1.manifest);
    expectFiles(loaded, v1);
  });

  it('says the network is unreachable and nothing is cached when offline with an empty cache', async () => {
    await server.close();
    const error = await rejection(loadCheckpoint(manifestUrl, { store: createStore() }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toMatch(/network is unreachable .* no intact cached copy of this model exists/);
  });

  it('refuses an offline load when a cached file is missing', async () => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    await store.deleteFile(v1.manifest.files['head.onnx'].sha256);
    await server.close();
    const error = await rejection(loadCheckpoint(manifestUrl, { store }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain('"head.onnx" is missing');
  });

  it('does not fall back to the cache on a 404: the server answered that the model is not there', async () => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    await rm(join(root, 'serve', 'mnist', 'manifest.json'));
    const error = await rejection(loadCheckpoint(manifestUrl, { store }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain('HTTP 404');
  });

  it.each([
    { fault: 'error', what: 'HTTP 500' },
    { fault: 'unavailable', what: 'HTTP 503' },
    { fault: 'rate-limited', what: 'HTTP 429' },
    { fault: 'stall', what: 'no response' },
    { fault: 'stall-body', what: 'a body that stalls' },
  ] as const)('loads the cached copy with offline: true when the manifest server gives $what, as when offline', async ({ fault }) => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    server.faults.set('/mnist/manifest.json', fault);
    const loaded = await loadCheckpoint(manifestUrl, { store, stallTimeoutMs: 200 });
    expect(loaded).toMatchObject({ source: 'cache', offline: true, manifestUrl });
    expectFiles(loaded, v1);
  });

  it('says the server cannot serve and nothing is cached on a 503 with an empty cache', async () => {
    server.faults.set('/mnist/manifest.json', 'unavailable');
    const error = await rejection(loadCheckpoint(manifestUrl, { store: createStore() }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toMatch(/HTTP 503\) and no intact cached copy of this model exists/);
  });

  it('deletes a corrupted cache entry and downloads the file again', async () => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    const { sha256 } = v1.manifest.files['model.onnx'];
    const damaged = v1.files['model.onnx']!.slice();
    damaged[1000] = damaged[1000]! ^ 1;
    await store.putFile(sha256, damaged);

    server.requests.length = 0;
    const warnings: EdgetuneError[] = [];
    const loaded = await loadCheckpoint(manifestUrl, { store, onWarning: (warning) => warnings.push(warning) });
    expect(server.requests.sort()).toEqual(['/mnist/manifest.json', '/mnist/model.onnx']);
    expect(loaded.source).toBe('mixed');
    expectFiles(loaded, v1);
    expect(warnings.map((warning) => warning.code)).toEqual(['E_CACHE']);
    expect(warnings[0]!.message).toContain('"model.onnx" is damaged');
    expect(sameBytes(await store.getFile(sha256), v1.files['model.onnx'])).toBe(true);
  });
});

describe.each(stores)('cache leases with a %s', (_, createStore) => {
  it('keep an old version\'s files while a classifier uses them; releasing the lease lets the sweep delete them', async () => {
    const store = createStore();
    const old = await loadCheckpoint(manifestUrl, { store, lease: true });
    expect(old.lease).toMatch(/^edgetune-lease:\d+:/);
    const v2 = await makeCheckpoint('2.0.0');
    await writeCheckpoint(join(root, 'serve', 'mnist'), v2);
    const current = await loadCheckpoint(manifestUrl, { store, lease: true });
    expect((await store.listFiles()).sort()).toEqual([...hashes(v1), ...hashes(v2)].sort());

    await releaseLease(store, old.lease!);
    expect((await store.listFiles()).sort()).toEqual(hashes(v2));
    await releaseLease(store, current.lease!);
    // The URL's cached manifest still uses them.
    expect((await store.listFiles()).sort()).toEqual(hashes(v2));
    expect(await store.listManifests()).toEqual([manifestUrl]);
  });

  it('an expired lease (its classifier never disposed) protects nothing and goes at the next sweep; so does a malformed one', async () => {
    const store = createStore();
    await loadCheckpoint(manifestUrl, { store });
    const expired = newLeaseKey(Date.now() - 2 * DEFAULTS.cacheLeaseMs);
    await storeLease(store, expired, v1.manifest);
    await store.putManifest('edgetune-lease:soon:x', v1.manifest);
    const v2 = await makeCheckpoint('2.0.0');
    await writeCheckpoint(join(root, 'serve', 'mnist'), v2);
    await loadCheckpoint(manifestUrl, { store });
    expect(await store.listManifests()).toEqual([manifestUrl]);
    expect((await store.listFiles()).sort()).toEqual(hashes(v2));
    expect(expired).toMatch(/^edgetune-lease:/);
  });

  it('puts back a file a sweep deleted between the load reading it from the cache and its lease landing', async () => {
    const slowLeases = createStore();
    await loadCheckpoint(manifestUrl, { store: slowLeases });
    // The lease write is held back until another tab has replaced this URL's manifest and swept.
    let landLease!: () => void;
    const leaseHeld = new Promise<void>((resolve) => (landLease = resolve));
    const putManifest = slowLeases.putManifest.bind(slowLeases);
    slowLeases.putManifest = async (key, manifest) => {
      if (key.startsWith('edgetune-lease:')) await leaseHeld;
      return putManifest(key, manifest);
    };
    const commits: Promise<void>[] = [];
    const loaded = await loadCheckpoint(manifestUrl, { store: slowLeases, lease: true, commitLater: (commit) => commits.push(commit) });
    expect(loaded.source).toBe('cache');

    const v2 = await makeCheckpoint('2.0.0');
    await putManifest(manifestUrl, v2.manifest);
    await sweepStore(slowLeases);
    expect(await slowLeases.listFiles()).toEqual([]);

    landLease();
    await Promise.all(commits);
    expect((await slowLeases.listFiles()).sort()).toEqual(hashes(v1));
    for (const [name, digest] of Object.entries(v1.manifest.files)) expect(sameBytes(await slowLeases.getFile(digest.sha256), v1.files[name]!), name).toBe(true);
    await releaseLease(slowLeases, loaded.lease!);
  });

  it('a load that fails gives its lease back', async () => {
    const store = createStore();
    await writeFile(join(root, 'serve', 'mnist', 'head.onnx'), 'damaged');
    await expect(loadCheckpoint(manifestUrl, { store, lease: true })).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    expect(await store.listManifests()).toEqual([]);
  });
});

describe('loadCheckpoint with a failing store', () => {
  it('loads without the cache and warns when the store rejects a write (quota exceeded)', async () => {
    class FullStore extends MemoryStore {
      override async putFile(): Promise<void> {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
    }
    const store = new FullStore();
    const warnings: EdgetuneError[] = [];
    const loaded = await loadCheckpoint(manifestUrl, { store, onWarning: (warning) => warnings.push(warning) });
    expectFiles(loaded, v1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'E_CACHE' });
    expect(warnings[0]!.message).toContain('quota');
    // The store gave up before recording a manifest whose files it does not hold.
    expect(await store.listManifests()).toEqual([]);
  });

  it('caches nothing with store: null', async () => {
    await loadCheckpoint(manifestUrl, { store: null });
    server.requests.length = 0;
    const loaded = await loadCheckpoint(manifestUrl, { store: null });
    expect(loaded.source).toBe('network');
    expect(server.requests).toHaveLength(5);
  });
});

describe('loadCheckpoint with a directory store whose manifest was edited on disk', () => {
  it('does not trust it offline: an edited copy (labels reversed) is no cached copy', async () => {
    const store = new DirectoryStore({ directory: join(root, 'cache') });
    await loadCheckpoint(manifestUrl, { store });
    const directory = join(store.directory, 'manifests');
    const [name] = (await readdir(directory)).filter((file) => file.endsWith('.json'));
    const entry = JSON.parse(await readFile(join(directory, name!), 'utf8')) as { key: string; manifest: Manifest };
    const edited = { ...entry.manifest, labels: [...entry.manifest.labels].reverse() };
    await writeFile(join(directory, name!), JSON.stringify({ key: entry.key, manifest: edited }));
    await server.close();

    const error = await rejection(loadCheckpoint(manifestUrl, { store }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain('no intact cached copy');
  });

  it('heals on the next online load: the manifest is stored and sealed again', async () => {
    const store = new DirectoryStore({ directory: join(root, 'cache') });
    await loadCheckpoint(manifestUrl, { store });
    const directory = join(store.directory, 'manifests');
    const [name] = (await readdir(directory)).filter((file) => file.endsWith('.json'));
    await writeFile(join(directory, name!), (await readFile(join(directory, name!), 'utf8')).replace('"0"', '"zero"'));
    expect(await store.getManifest(manifestUrl)).toBeUndefined();

    await loadCheckpoint(manifestUrl, { store });
    expect(await store.getManifest(manifestUrl)).toEqual(v1.manifest);
  });
});
