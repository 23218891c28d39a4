import { ManifestError, parseManifest, type Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { httpGet } from './http-get.ts';
import { abortedError, NetworkUnreachableError } from './load-errors.ts';

/**
 * Fetches a manifest's raw bytes and the URL it was finally served from (after redirects), which
 * its file names resolve against. A body that breaks off counts as an unreachable network.
 */
export async function fetchManifestBytes(
  fetchImpl: typeof fetch,
  url: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; finalUrl: string }> {
  const response = await httpGet(fetchImpl, url, 'the model manifest', signal);
  try {
    // response.url is empty for synthetic responses (e.g. a custom fetch); then nothing redirected.
    return { bytes: new Uint8Array(await response.arrayBuffer()), finalUrl: response.url || url };
  } catch (cause) {
    if (signal?.aborted) throw abortedError('Downloading the model manifest', signal);
    throw new NetworkUnreachableError(url, cause);
  }
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

/** Checks the manifest schema, and that file names cannot reach outside the manifest's directory. */
export function validateManifest(value: unknown, origin: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = parseManifest(value);
  } catch (cause) {
    if (!(cause instanceof ManifestError)) throw cause;
    throw invalid(origin, cause.message, cause);
  }
  for (const fileName of Object.keys(manifest.files)) {
    if (!isPlainFileName(fileName)) throw invalid(origin, `files: "${fileName}" must be a plain file name, not a path`);
  }
  return manifest;
}

function isPlainFileName(name: string): boolean {
  return name !== '.' && name !== '..' && !/[/\\?#%]/.test(name) && name.length > 0;
}

function invalid(origin: string, problem: string, cause?: unknown): EdgetuneError {
  return new EdgetuneError(
    ErrorCodes.MANIFEST_INVALID,
    `The manifest at ${origin} is invalid: ${problem}. Re-export or re-publish the model.`,
    { cause },
  );
}
