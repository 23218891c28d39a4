import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EdgetuneError } from '../errors.ts';
import { CACHE_NAME, CacheApiStore, openCacheApiStore } from './cache-api-store.browser.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import { sameBytes, type TestCheckpoint } from './test-checkpoint.ts';
import { serveTestCheckpoint, type CheckpointServer, type ServedTestCheckpoint } from './test-checkpoint-server.ts';

/** The slice of the Cache API the store uses, over a Map (Node has no Cache API). */
class FakeCache {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: Headers }>();
  failPuts = false;

  async match(request: RequestInfo): Promise<Response | undefined> {
    const entry = this.entries.get(urlOf(request));
    return entry && new Response(entry.body.slice(0), { headers: entry.headers });
  }

  async put(request: RequestInfo, response: Response): Promise<void> {
    if (this.failPuts) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.entries.set(urlOf(request), { body: await response.arrayBuffer(), headers: response.headers });
  }

  async delete(request: RequestInfo): Promise<boolean> {
    return this.entries.delete(urlOf(request));
  }

  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((url) => new Request(url));
  }
}

function urlOf(request: RequestInfo): string {
  return typeof request === 'string' ? new URL(request).href : request.url;
}

let served: ServedTestCheckpoint;
let server: CheckpointServer;
let checkpoint: TestCheckpoint;
let manifestUrl: string;

beforeEach(async () => {
  served = await serveTestCheckpoint('edgetune-cache-api-');
  ({ server, checkpoint, manifestUrl } = served);
});

afterEach(() => served.dispose());

describe('CacheApiStore', () => {
  it('keys files by sha256 and manifests by URL under synthetic .invalid request URLs', async () => {
    const cache = new FakeCache();
    const store = new CacheApiStore(cache as unknown as Cache);
    const { sha256 } = checkpoint.manifest.files['head.onnx'];
    await store.putFile(sha256, checkpoint.files['head.onnx']!);
    await store.putManifest(manifestUrl, checkpoint.manifest);

    expect([...cache.entries.keys()]).toEqual([
      `https://cache.edgetune.invalid/sha256/${sha256}`,
      `https://cache.edgetune.invalid/manifest/${encodeURIComponent(manifestUrl)}`,
      `https://cache.edgetune.invalid/manifest-sha256/${encodeURIComponent(manifestUrl)}`,
    ]);
    expect(sameBytes(await store.getFile(sha256), checkpoint.files['head.onnx'])).toBe(true);
    expect(await store.getManifest(manifestUrl)).toEqual(checkpoint.manifest);
    expect(await store.listFiles()).toEqual([sha256]);
    expect(await store.listManifests()).toEqual([manifestUrl]);
  });

  it('serves a second load from the Cache API', async () => {
    const store = new CacheApiStore(new FakeCache() as unknown as Cache);
    await loadCheckpoint(manifestUrl, { store });
    server.requests.length = 0;
    const loaded = await loadCheckpoint(manifestUrl, { store });
    expect(loaded.source).toBe('cache');
    expect(server.requests).toEqual(['/mnist/manifest.json']);
  });

  it('turns a quota error into a warning and a load without the cache', async () => {
    const cache = new FakeCache();
    cache.failPuts = true;
    const warnings: EdgetuneError[] = [];
    const loaded = await loadCheckpoint(manifestUrl, {
      store: new CacheApiStore(cache as unknown as Cache),
      onWarning: (warning) => warnings.push(warning),
    });
    expect(loaded.source).toBe('network');
    expect(warnings.map((warning) => warning.code)).toEqual(['E_CACHE']);
    expect(cache.entries.size).toBe(0);
  });
});

describe('openCacheApiStore', () => {
  it(`opens the "${CACHE_NAME}" cache`, async () => {
    const opened: string[] = [];
    const caches = { open: async (name: string) => (opened.push(name), new FakeCache()) } as unknown as CacheStorage;
    expect(await openCacheApiStore({ caches })).toBeInstanceOf(CacheApiStore);
    expect(opened).toEqual(['edgetune-v1']);
  });

  it('returns null with a warning where the Cache API is missing or refuses to open', async () => {
    const warnings: EdgetuneError[] = [];
    const onWarning = (warning: EdgetuneError) => warnings.push(warning);
    expect(await openCacheApiStore({ onWarning })).toBeNull();
    const refusing = { open: () => Promise.reject(new DOMException('denied', 'SecurityError')) } as unknown as CacheStorage;
    expect(await openCacheApiStore({ caches: refusing, onWarning })).toBeNull();
    expect(warnings.map((warning) => warning.code)).toEqual(['E_CACHE', 'E_CACHE']);
    expect(warnings[1]!.message).toContain('denied');
  });
});
