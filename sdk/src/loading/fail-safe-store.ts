import type { Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { ArtifactStore } from './artifact-store.ts';

/**
 * Wraps a store so that a storage failure (quota exceeded, disk full, cache evicted mid-read)
 * never fails a model load: the first failure is reported as an E_CACHE warning, and the rest
 * of the load runs as if caching were off.
 */
export class FailSafeStore implements ArtifactStore {
  #failed = false;

  constructor(
    private readonly inner: ArtifactStore,
    private readonly warn: (warning: EdgetuneError) => void,
  ) {}

  getFile(sha256: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    return this.#attempt(`reading file ${sha256}`, undefined, () => this.inner.getFile(sha256));
  }

  putFile(sha256: string, bytes: Uint8Array): Promise<void> {
    return this.#attempt(`storing file ${sha256}`, undefined, () => this.inner.putFile(sha256, bytes));
  }

  deleteFile(sha256: string): Promise<void> {
    return this.#attempt(`deleting file ${sha256}`, undefined, () => this.inner.deleteFile(sha256));
  }

  listFiles(): Promise<string[]> {
    return this.#attempt('listing files', [], () => this.inner.listFiles());
  }

  getManifest(key: string): Promise<Manifest | undefined> {
    return this.#attempt(`reading the manifest of ${key}`, undefined, () => this.inner.getManifest(key));
  }

  putManifest(key: string, manifest: Manifest): Promise<void> {
    return this.#attempt(`storing the manifest of ${key}`, undefined, () => this.inner.putManifest(key, manifest));
  }

  deleteManifest(key: string): Promise<void> {
    return this.#attempt(`deleting the manifest of ${key}`, undefined, () => this.inner.deleteManifest(key));
  }

  listManifests(): Promise<string[]> {
    return this.#attempt('listing manifests', [], () => this.inner.listManifests());
  }

  async #attempt<T>(operation: string, fallback: T, run: () => Promise<T>): Promise<T> {
    if (this.#failed) return fallback;
    try {
      return await run();
    } catch (cause) {
      this.#failed = true;
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.warn(
        new EdgetuneError(
          ErrorCodes.CACHE,
          `The model cache failed while ${operation} (${reason}); continuing without the cache. ` +
            'The model still loads, but will be downloaded again next time.',
          { cause },
        ),
      );
      return fallback;
    }
  }
}
