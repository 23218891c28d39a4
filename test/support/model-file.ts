import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';

/** A checkpoint file as the test server sends it. */
export interface ModelFile {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** Quoted sha256 hex of the bytes: the same digest manifest.json records, as the edge service uses it. */
  readonly etag: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

// Keyed by path; the mtime and size detect a checkpoint rewritten while the server runs.
const cache = new Map<string, { readonly version: string; readonly file: ModelFile }>();

/** Reads a regular file, or returns undefined when there is none at `path`. */
export async function readModelFile(path: string): Promise<ModelFile | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const version = `${info.mtimeMs}:${info.size}`;
  const cached = cache.get(path);
  if (cached?.version === version) return cached.file;
  const bytes = new Uint8Array(await readFile(path));
  const file: ModelFile = {
    bytes,
    contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(bytes).digest('hex')}"`,
  };
  cache.set(path, { version, file });
  return file;
}
