import type { Manifest } from '../artifacts/manifest.ts';
import type { ArtifactStore } from './artifact-store.ts';

/** Keeps artifacts in this process only: for tests, and where no persistent storage exists. */
export class MemoryStore implements ArtifactStore {
  readonly #files = new Map<string, Uint8Array<ArrayBuffer>>();
  readonly #manifests = new Map<string, Manifest>();

  async getFile(sha256: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    // A copy, so a caller transferring or mutating the result cannot damage the stored entry.
    return this.#files.get(sha256)?.slice();
  }

  async putFile(sha256: string, bytes: Uint8Array): Promise<void> {
    this.#files.set(sha256, bytes.slice());
  }

  async deleteFile(sha256: string): Promise<void> {
    this.#files.delete(sha256);
  }

  async listFiles(): Promise<string[]> {
    return [...this.#files.keys()];
  }

  async getManifest(key: string): Promise<Manifest | undefined> {
    const manifest = this.#manifests.get(key);
    return manifest === undefined ? undefined : structuredClone(manifest);
  }

  async putManifest(key: string, manifest: Manifest): Promise<void> {
    this.#manifests.set(key, structuredClone(manifest));
  }

  async deleteManifest(key: string): Promise<void> {
    this.#manifests.delete(key);
  }

  async listManifests(): Promise<string[]> {
    return [...this.#manifests.keys()];
  }
}
