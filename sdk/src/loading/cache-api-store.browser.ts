import type { Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { describeCause } from './load-errors.ts';
import { isSealed, manifestDigest, manifestText } from './manifest-seal.ts';
import { validateManifest } from './read-manifest.ts';
import { DEFAULTS } from '../defaults.ts';

export const CACHE_NAME = DEFAULTS.browserCacheName;

/** Synthetic request URLs: the Cache API keys entries by Request, and `.invalid` can never resolve. */
const ORIGIN = 'https://cache.edgetune.invalid';
const FILE_PREFIX = `${ORIGIN}/sha256/`;
const MANIFEST_PREFIX = `${ORIGIN}/manifest/`;
/** The seal of each manifest (manifest-seal.ts), a separate entry. */
const SEAL_PREFIX = `${ORIGIN}/manifest-sha256/`;

/** Browser store on the Cache API (available in windows and workers of secure contexts). */
export class CacheApiStore implements ArtifactStore {
  constructor(private readonly cache: Cache) {}

  async getFile(sha256: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const response = await this.cache.match(FILE_PREFIX + sha256);
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async putFile(sha256: string, bytes: Uint8Array): Promise<void> {
    const body = new Response(inChunks(bytes), { headers: { 'content-type': 'application/octet-stream' } });
    await this.cache.put(FILE_PREFIX + sha256, body);
  }

  async deleteFile(sha256: string): Promise<void> {
    await this.cache.delete(FILE_PREFIX + sha256);
  }

  async listFiles(): Promise<string[]> {
    return this.#keysUnder(FILE_PREFIX);
  }

  async getManifest(key: string): Promise<Manifest | undefined> {
    const response = await this.cache.match(manifestRequestUrl(key));
    if (!response) return undefined;
    try {
      const text = await response.text();
      const seal = await (await this.cache.match(SEAL_PREFIX + encodeURIComponent(key)))?.text();
      if (!(await isSealed(text, seal))) return undefined;
      return validateManifest(JSON.parse(text), `the cached manifest of ${key}`);
    } catch {
      // A damaged or edited entry reads as absent; the next online load replaces it.
      return undefined;
    }
  }

  async putManifest(key: string, manifest: Manifest): Promise<void> {
    const text = manifestText(manifest);
    await this.cache.put(manifestRequestUrl(key), new Response(text, { headers: { 'content-type': 'application/json' } }));
    await this.cache.put(SEAL_PREFIX + encodeURIComponent(key), new Response(await manifestDigest(text), { headers: { 'content-type': 'text/plain' } }));
  }

  async deleteManifest(key: string): Promise<void> {
    await this.cache.delete(manifestRequestUrl(key));
    await this.cache.delete(SEAL_PREFIX + encodeURIComponent(key));
  }

  async listManifests(): Promise<string[]> {
    return (await this.#keysUnder(MANIFEST_PREFIX)).map((encoded) => decodeURIComponent(encoded));
  }

  async #keysUnder(prefix: string): Promise<string[]> {
    const requests = await this.cache.keys();
    return requests.filter((request) => request.url.startsWith(prefix)).map((request) => request.url.slice(prefix.length));
  }
}

/** Written a chunk per task: a body of 14 MB given whole (ONNX Runtime's wasm) held the thread ~25 ms. */
const PUT_CHUNK_BYTES = 1 << 20;

function inChunks(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      // Copies, so the stream never shares (or detaches) the caller's buffer.
      controller.enqueue(bytes.slice(offset, offset + PUT_CHUNK_BYTES));
      offset += PUT_CHUNK_BYTES;
      if (offset >= bytes.byteLength) controller.close();
    },
  });
}

function manifestRequestUrl(key: string): string {
  return MANIFEST_PREFIX + encodeURIComponent(key);
}

export interface OpenCacheApiStoreOptions {
  readonly cacheName?: string;
  /** Default: globalThis.caches. */
  readonly caches?: CacheStorage;
  readonly onWarning?: (warning: EdgetuneError) => void;
}

/**
 * The Cache API store, or null (after an E_CACHE warning) where the Cache API is missing or
 * refuses to open (insecure context, storage disabled): loading then runs without a cache.
 */
export async function openCacheApiStore(options: OpenCacheApiStoreOptions = {}): Promise<CacheApiStore | null> {
  const warn = options.onWarning ?? ((warning: EdgetuneError) => console.warn(`[edgetune] ${warning.message}`));
  const storage = options.caches ?? (globalThis as { caches?: CacheStorage }).caches;
  if (!storage) {
    warn(new EdgetuneError(ErrorCodes.CACHE, 'The Cache API is not available here (it needs a secure context); models will not be cached.'));
    return null;
  }
  try {
    return new CacheApiStore(await storage.open(options.cacheName ?? CACHE_NAME));
  } catch (cause) {
    warn(new EdgetuneError(ErrorCodes.CACHE, `Could not open the model cache (${describeCause(cause)}); models will not be cached.`, { cause }));
    return null;
  }
}
