/** Runs in Chromium (vitest browser project): the real Cache API behind CacheApiStore. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheApiStore, openCacheApiStore } from './cache-api-store.browser.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import { makeCheckpoint, sameBytes, type TestCheckpoint } from './test-checkpoint.ts';

const BASE = 'https://models.example/mnist/';
const CACHE = `edgetune-test-${crypto.randomUUID()}`;

let checkpoint: TestCheckpoint;
let requested: string[];

/** A model host in memory: the browser test cannot start an HTTP server. */
const fetchFromMemory: typeof fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input);
  requested.push(url);
  const name = url.slice(BASE.length);
  if (name === 'manifest.json') return Response.json(checkpoint.manifest);
  const bytes = checkpoint.files[name];
  return bytes ? new Response(bytes.slice()) : new Response('not found', { status: 404 });
};

beforeEach(async () => {
  checkpoint = await makeCheckpoint('1.0.0');
  requested = [];
});

afterEach(async () => {
  await caches.delete(CACHE);
});

describe('CacheApiStore in a browser', () => {
  it('caches a checkpoint so the next load fetches only the manifest', async () => {
    const store = await openCacheApiStore({ cacheName: CACHE });
    expect(store).toBeInstanceOf(CacheApiStore);
    await loadCheckpoint(`${BASE}manifest.json`, { store, fetch: fetchFromMemory });
    expect((await store!.listFiles()).sort()).toEqual(Object.values(checkpoint.manifest.files).map((file) => file.sha256).sort());

    requested = [];
    const loaded = await loadCheckpoint(`${BASE}manifest.json`, { store, fetch: fetchFromMemory });
    expect(requested).toEqual([`${BASE}manifest.json`]);
    expect(loaded.source).toBe('cache');
    for (const [name, bytes] of Object.entries(checkpoint.files)) expect(sameBytes(loaded.files[name], bytes), name).toBe(true);
  });

  it('does not trust a cached manifest edited in the Cache API: offline, that is no cached copy', async () => {
    const store = await openCacheApiStore({ cacheName: CACHE });
    await loadCheckpoint(`${BASE}manifest.json`, { store, fetch: fetchFromMemory });
    const cache = await caches.open(CACHE);
    const manifestRequest = (await cache.keys()).find((request) => request.url.includes('/manifest/'))!;
    const edited = { ...checkpoint.manifest, labels: [...checkpoint.manifest.labels].reverse() };
    await cache.put(manifestRequest, Response.json(edited));

    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(loadCheckpoint(`${BASE}manifest.json`, { store, fetch: offline })).rejects.toMatchObject({
      code: 'E_FETCH_FAILED',
      message: expect.stringContaining('no intact cached copy'),
    });
    // Online again, the manifest is stored and sealed afresh.
    await loadCheckpoint(`${BASE}manifest.json`, { store, fetch: fetchFromMemory });
    expect((await loadCheckpoint(`${BASE}manifest.json`, { store, fetch: offline })).manifest.labels).toEqual(checkpoint.manifest.labels);
  });

  it('round-trips a file of several MB, written a chunk at a time, and leaves the caller its bytes', async () => {
    const store = new CacheApiStore(await caches.open(CACHE));
    const bytes = Uint8Array.from({ length: 3 * (1 << 20) + 5 }, (_, index) => (index * 31 + (index >> 11)) & 0xff);
    await store.putFile('big', bytes);
    expect(bytes.byteLength).toBe(3 * (1 << 20) + 5);
    expect(sameBytes(await store.getFile('big'), bytes)).toBe(true);
    await store.putFile('empty', new Uint8Array(0));
    expect((await store.getFile('empty'))?.byteLength).toBe(0);
  });

  it('round-trips manifests keyed by URL', async () => {
    const store = (await openCacheApiStore({ cacheName: CACHE }))!;
    await store.putManifest(`${BASE}manifest.json`, checkpoint.manifest);
    expect(await store.getManifest(`${BASE}manifest.json`)).toEqual(checkpoint.manifest);
    expect(await store.listManifests()).toEqual([`${BASE}manifest.json`]);
    await store.deleteManifest(`${BASE}manifest.json`);
    expect(await store.getManifest(`${BASE}manifest.json`)).toBeUndefined();
  });
});
