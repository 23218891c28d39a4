import type { FileDigest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { httpGet } from './http-get.ts';
import { abortedError, describeCause } from './load-errors.ts';
import { integrityError } from './verify-file.ts';

export interface FileDownload {
  readonly url: string;
  readonly fileName: string;
  readonly expected: FileDigest;
  readonly fetch: typeof fetch;
  readonly signal?: AbortSignal;
  /** Called with the running byte count as chunks arrive. */
  readonly onBytes: (loaded: number) => void;
  /** The buffer to fill, `expected.bytes` long; default: a new one. */
  readonly into?: Uint8Array<ArrayBuffer>;
}

/**
 * Streams one checkpoint file into memory. The result is unverified: it may be shorter than the
 * manifest says (the server closed early), which the caller's hash check reports.
 */
export async function fetchFile(download: FileDownload): Promise<Uint8Array<ArrayBuffer>> {
  const { url, fileName, expected, signal, onBytes } = download;
  const response = await httpGet(download.fetch, url, `"${fileName}"`, signal);
  if (response.body === null) return new Uint8Array(0);

  // Sized from the manifest, not Content-Length: that header counts compressed bytes, when present at all.
  const buffer = download.into ?? new Uint8Array(expected.bytes);
  let loaded = 0;
  const reader = response.body.getReader();
  let finished = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (signal?.aborted) throw abortedError(`Downloading "${fileName}"`, signal);
        throw new EdgetuneError(
          ErrorCodes.FETCH_FAILED,
          `Download of "${fileName}" from ${url} broke off after ${loaded} of ${expected.bytes} bytes ` +
            `(${describeCause(cause)}); retry the load.`,
          { cause },
        );
      }
      if (chunk.done) break;
      // Stop early rather than buffer an unbounded body that cannot match the manifest anyway.
      if (loaded + chunk.value.byteLength > expected.bytes) {
        throw integrityError(fileName, url, expected, `more than ${expected.bytes} bytes (download stopped)`);
      }
      buffer.set(chunk.value, loaded);
      loaded += chunk.value.byteLength;
      onBytes(loaded);
    }
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
  return loaded === expected.bytes ? buffer : buffer.slice(0, loaded);
}
