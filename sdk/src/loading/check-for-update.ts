import type { UpdateCheck } from '../engine/engine-protocol.ts';
import { EdgetuneError, errorCodeOf, ErrorCodes } from '../errors.ts';
import { resolveSource, type CheckpointSource } from './checkpoint-source.ts';
import { parseEdgeManifestUrl } from './edge-manifest-url.ts';
import { HttpStatusError } from './http-get.ts';
import { NetworkUnreachableError } from './load-errors.ts';
import type { LocalReader } from './local-reader.ts';
import { fetchManifestBytes } from './read-manifest.ts';
import { VersionWithdrawnError } from './withdrawn-version.ts';

export type { UpdateCheck };

export interface CheckForUpdateOptions {
  readonly fetch?: typeof fetch;
  readonly readLocal?: LocalReader;
  readonly stallTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Asks the source a classifier was loaded from which version its next load would get, without
 * loading anything: the unversioned manifest (latest) and, on the edge, the loaded version's own
 * manifest (withdrawn or not). Never throws for an unreachable or failing source: it reports it.
 */
export async function checkForUpdate(source: CheckpointSource, current: string, options: CheckForUpdateOptions = {}): Promise<UpdateCheck> {
  let resolved;
  try {
    resolved = await resolveSource(source, undefined, options.readLocal);
  } catch (error) {
    return unanswered(current, error);
  }
  if ('inlineManifest' in resolved) {
    return { ...unanswered(current, undefined), nextLoad: current, error: { code: ErrorCodes.INPUT_RANGE, message: 'the model was loaded from a manifest object: there is no source to ask for updates' } };
  }
  if (resolved.location === 'local') {
    try {
      const latest = await readVersionAt(resolved.manifestUrl, 'local', options);
      return { current, latest, available: latest !== current, pinned: false, nextLoad: latest, offline: false };
    } catch (error) {
      return unanswered(current, error);
    }
  }
  return checkRemoteForUpdate(resolved.manifestUrl, current, options);
}

/** checkForUpdate for an absolute http(s) manifest URL: what the edge client uses. */
export async function checkRemoteForUpdate(manifestUrl: string, current: string, options: CheckForUpdateOptions = {}): Promise<UpdateCheck> {
  try {
    const readVersion = (url: string): Promise<string> => readVersionAt(url, 'remote', options);
    const edge = parseEdgeManifestUrl(manifestUrl);
    const pinned = edge?.pinnedVersion !== undefined;
    const latest = await readVersion(edge?.latestUrl ?? manifestUrl).catch((error: unknown) => {
      // Every version withdrawn: nothing to move to.
      if (error instanceof VersionWithdrawnError && !error.replacement) return undefined;
      throw error;
    });
    let withdrawn: UpdateCheck['withdrawn'];
    if (edge) {
      const ownUrl = edge.latestUrl.replace(/\/manifest\.json$/, `/${current}/manifest.json`);
      try {
        await readVersion(ownUrl);
      } catch (error) {
        if (!(error instanceof VersionWithdrawnError)) throw error;
        withdrawn = { version: current, ...(error.replacement ? { replacement: error.replacement.version } : {}), message: error.message };
      }
    }
    const nextLoad = pinned ? (withdrawn ? withdrawn.replacement : current) : latest;
    return {
      current,
      latest,
      available: latest !== undefined && latest !== current,
      pinned,
      nextLoad,
      ...(withdrawn ? { withdrawn } : {}),
      offline: false,
    };
  } catch (error) {
    return unanswered(current, error);
  }
}

/** No answer from the source: offline when it could not be reached, else the error it gave. Aborts and bugs still throw. */
function unanswered(current: string, error: unknown): UpdateCheck {
  const base = { current, latest: undefined, available: false, pinned: false, nextLoad: undefined, offline: false } as const;
  if (error === undefined) return base;
  if (!(error instanceof Error) || errorCodeOf(error) === undefined || errorCodeOf(error) === ErrorCodes.ABORTED) throw error;
  const unreachable = error instanceof NetworkUnreachableError || (error instanceof HttpStatusError && error.transient);
  return { ...base, offline: unreachable, error: { code: errorCodeOf(error)!, message: error.message } };
}

/** The version a manifest names. Only that is read: a check loads nothing, the next load validates the rest. */
async function readVersionAt(url: string, location: 'remote' | 'local', options: CheckForUpdateOptions): Promise<string> {
  let bytes: Uint8Array;
  let origin = url;
  if (location === 'local') {
    if (!options.readLocal) throw new EdgetuneError(ErrorCodes.FETCH_FAILED, `cannot read ${url} here`);
    bytes = await options.readLocal.readFile(url, options.signal);
  } else {
    const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    ({ bytes, finalUrl: origin } = await fetchManifestBytes(fetchImpl, url, options.signal, options.stallTimeoutMs));
  }
  let version: unknown;
  try {
    version = (JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown } | null)?.version;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string' || version.length === 0 || version.length > 256) {
    throw new EdgetuneError(ErrorCodes.MANIFEST_INVALID, `The manifest at ${origin} names no version: check that the URL points at a model's manifest.json.`);
  }
  return version;
}
