import type { FileDigest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { httpGet } from './http-get.ts';
import { abortedError, describeCause } from './load-errors.ts';
import { integrityError } from './verify-file.ts';

/** Checkpoint files are mostly under 1 MiB, so most downloads never grow the buffer. */
const INITIAL_BUFFER_BYTES = 1 << 20;

export interface FileDownload {
  readonly url: string;
  readonly fileName: string;
  readonly expected: FileDigest;
  readonly fetch: typeof fetch;
  readonly signal?: AbortSignal;
  /** How long the server may send nothing (no response, no next chunk) before E_FETCH_FAILED. */
  readonly stallTimeoutMs?: number | undefined;
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
  const { response, watchdog } = await httpGet(download.fetch, url, `"${fileName}"`, { signal, stallTimeoutMs: download.stallTimeoutMs });
  if (response.body === null) {
    watchdog.stop();
    return new Uint8Array(0);
  }

  // A caller's buffer (`into`) is used as it is. Otherwise grown as bytes arrive, never past the manifest's size: the manifest is not verified yet and
  // may claim any size (allocating it up front threw an uncoded RangeError), while what the
  // server sends is bounded by that size below. Content-Length is no guide: it counts compressed
  // bytes, when present at all.
  let buffer = download.into ?? new Uint8Array(Math.min(expected.bytes, INITIAL_BUFFER_BYTES));
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
        if (watchdog.stalled) {
          throw new EdgetuneError(
            ErrorCodes.FETCH_FAILED,
            `Download of "${fileName}" from ${url} stalled: no data for ${watchdog.ms} ms after ${loaded} of ${expected.bytes} bytes; ` +
              'retry the load (options.networkTimeoutMs sets how long to wait).',
            { cause },
          );
        }
        throw new EdgetuneError(
          ErrorCodes.FETCH_FAILED,
          `Download of "${fileName}" from ${url} broke off after ${loaded} of ${expected.bytes} bytes ` +
            `(${describeCause(cause)}); retry the load.`,
          { cause },
        );
      }
      if (chunk.done) break;
      watchdog.progress();
      // Stop early rather than buffer an unbounded body that cannot match the manifest anyway.
      if (loaded + chunk.value.byteLength > expected.bytes) {
        throw integrityError(fileName, url, expected, `more than ${expected.bytes} bytes (download stopped)`);
      }
      if (loaded + chunk.value.byteLength > buffer.byteLength) {
        const grown = new Uint8Array(Math.min(expected.bytes, Math.max(loaded + chunk.value.byteLength, buffer.byteLength * 2)));
        grown.set(buffer.subarray(0, loaded));
        buffer = grown;
      }
      buffer.set(chunk.value, loaded);
      loaded += chunk.value.byteLength;
      onBytes(loaded);
    }
    finished = true;
  } finally {
    watchdog.stop();
    if (!finished) await reader.cancel().catch(() => undefined);
  }
  return loaded === buffer.byteLength ? buffer : buffer.slice(0, loaded);
}
