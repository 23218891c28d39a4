import { ManifestError, parseManifest, type Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { httpGet } from './http-get.ts';
import { abortedError, NetworkUnreachableError } from './load-errors.ts';
import { readWithdrawal } from './withdrawn-version.ts';

/** A real manifest is a few KB; a body beyond this is not one, and is not buffered. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Fetches a manifest's raw bytes and the URL it was finally served from (after redirects), which
 * its file names resolve against. A body that breaks off or stalls counts as an unreachable
 * network (a cached copy may stand in); one over MAX_MANIFEST_BYTES is E_MANIFEST_INVALID. A
 * withdrawn version (HTTP 410 from the edge) rejects with a VersionWithdrawnError.
 */
export async function fetchManifestBytes(
  fetchImpl: typeof fetch,
  url: string,
  signal?: AbortSignal,
  stallTimeoutMs?: number,
): Promise<{ bytes: Uint8Array; finalUrl: string }> {
  const { response, watchdog } = await httpGet(fetchImpl, url, 'the model manifest', {
    signal,
    stallTimeoutMs,
    revalidate: true,
    acceptStatus: (status) => status === 410,
  });
  if (response.status === 410) {
    try {
      throw await readWithdrawal(response, response.url || url);
    } finally {
      watchdog.stop();
    }
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  try {
    for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
      watchdog.progress();
      length += chunk.value.byteLength;
      if (length > MAX_MANIFEST_BYTES) {
        throw new EdgetuneError(ErrorCodes.MANIFEST_INVALID, `The manifest at ${url} is larger than ${MAX_MANIFEST_BYTES} bytes: check that the URL points at a model's manifest.json.`);
      }
      chunks.push(chunk.value);
    }
  } catch (cause) {
    await reader?.cancel().catch(() => undefined);
    if (cause instanceof EdgetuneError) throw cause;
    if (signal?.aborted) throw abortedError('Downloading the model manifest', signal);
    throw new NetworkUnreachableError(url, watchdog.stalled ? new Error(`the body stalled: no data for ${watchdog.ms} ms`) : cause);
  } finally {
    watchdog.stop();
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // response.url is empty for synthetic responses (e.g. a custom fetch); then nothing redirected.
  return { bytes, finalUrl: response.url || url };
}

/** Parses manifest.json bytes; anything but a valid manifest is E_MANIFEST_INVALID. */
export function decodeManifest(bytes: Uint8Array, origin: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new EdgetuneError(
      ErrorCodes.MANIFEST_INVALID,
      `The manifest at ${origin} is not valid JSON (${(cause as Error).message}): check that the URL points at a model's manifest.json.`,
      { cause },
    );
  }
  return validateManifest(value, origin);
}

/** Checks the manifest schema, file names included (plain names that cannot leave the manifest's directory). */
export function validateManifest(value: unknown, origin: string): Manifest {
  try {
    return parseManifest(value);
  } catch (cause) {
    if (!(cause instanceof ManifestError)) throw cause;
    throw invalid(origin, cause.message, cause);
  }
}

function invalid(origin: string, problem: string, cause?: unknown): EdgetuneError {
  return new EdgetuneError(
    ErrorCodes.MANIFEST_INVALID,
    `The manifest at ${origin} is invalid: ${problem}. Re-export or re-publish the model.`,
    { cause },
  );
}
