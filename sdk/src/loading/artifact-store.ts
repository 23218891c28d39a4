import type { Manifest } from '../artifacts/manifest.ts';

/**
 * Where downloaded checkpoints are kept between loads. Files are keyed by their sha256, so
 * two manifests sharing a file share its bytes and a file's key doubles as its checksum.
 * Manifests are keyed by the URL they were loaded from (one entry per model location).
 *
 * Implementations: memory-store.ts, directory-store.node.ts, cache-api-store.browser.ts.
 * Callers re-verify every file read back, so a store need not detect corruption itself.
 */
export interface ArtifactStore {
  /** The bytes stored under this hash, or undefined when absent. */
  getFile(sha256: string): Promise<Uint8Array<ArrayBuffer> | undefined>;
  putFile(sha256: string, bytes: Uint8Array): Promise<void>;
  /** Removing an absent file is not an error. */
  deleteFile(sha256: string): Promise<void>;
  listFiles(): Promise<string[]>;

  /** The manifest stored under this key, or undefined when absent or unreadable. */
  getManifest(key: string): Promise<Manifest | undefined>;
  putManifest(key: string, manifest: Manifest): Promise<void>;
  deleteManifest(key: string): Promise<void>;
  listManifests(): Promise<string[]>;
}
