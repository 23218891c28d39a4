/**
 * Reads checkpoints from the local disk. The shared loader takes one as an option instead of
 * importing node:fs, so the browser bundle never pulls in Node modules; the Node build passes
 * `localDirectorySource` from local-directory-source.node.ts.
 */
export interface LocalReader {
  /** The file:// URL of the manifest for a directory path, a manifest path, or a file:// URL of either. */
  resolveManifestUrl(location: string): Promise<string>;
  /** The bytes of a file:// URL; rejects with E_FETCH_FAILED when the file cannot be read. */
  readFile(fileUrl: string, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>>;
}
