import type { FileDigest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { httpGet } from './http-get.ts';
import { abortedError, describeCause } from './load-errors.ts';
import { BodyReadError, BodyTooLongError, readBody } from './read-body.ts';
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
  /**
   * The buffer to fill, `expected.bytes` long; default: a new one. It is consumed (its memory may
   * be transferred by the read): use the returned bytes.
   */
  readonly into?: Uint8Array<ArrayBuffer>;
  /** Resolve once `expected.bytes` bytes are in, ignoring the rest of the body (see ReadBodyOptions). */
  readonly stopAtExpectedSize?: boolean;
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

  // Without a caller's buffer, one grows as bytes arrive, never past the manifest's size: the
  // manifest is not verified yet and may claim any size (allocating it up front threw an uncoded
  // RangeError). Content-Length is no guide: it counts compressed bytes, when present at all.
  const into = download.into ?? new Uint8Array(Math.min(expected.bytes, INITIAL_BUFFER_BYTES));
  try {
    return await readBody(response.body, {
      into,
      limit: expected.bytes,
      ...(download.stopAtExpectedSize ? { stopAtLimit: true } : {}),
      onRead: (bytes) => {
        watchdog.progress();
        onBytes(bytes.byteLength);
      },
    });
  } catch (error) {
    // Stop early rather than buffer an unbounded body that cannot match the manifest anyway.
    if (error instanceof BodyTooLongError) throw integrityError(fileName, url, expected, `more than ${expected.bytes} bytes (download stopped)`);
    if (!(error instanceof BodyReadError)) throw error;
    const { cause, loaded } = error;
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
      `Download of "${fileName}" from ${url} broke off after ${loaded} of ${expected.bytes} bytes (${describeCause(cause)}); retry the load.`,
      { cause },
    );
  } finally {
    watchdog.stop();
  }
}
