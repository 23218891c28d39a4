import type { Manifest } from '../artifacts/manifest.ts';
import type { UpdateCheck } from '../engine/engine-protocol.ts';
import { EdgetuneError, errorCodeOf, ErrorCodes } from '../errors.ts';
import { resolveSource, type CheckpointSource } from './checkpoint-source.ts';
import { parseEdgeManifestUrl } from './edge-manifest-url.ts';
import { HttpStatusError } from './http-get.ts';
import { NetworkUnreachableError } from './load-errors.ts';
import type { LocalReader } from './local-reader.ts';
import { decodeManifest, fetchManifestBytes } from './read-manifest.ts';
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
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const unchanged = { current, latest: undefined, available: false, pinned: false, nextLoad: current } as const;
  try {
    const resolved = await resolveSource(source, undefined, options.readLocal);
    if ('inlineManifest' in resolved) {
      return { ...unchanged, offline: false, error: { code: ErrorCodes.INPUT_RANGE, message: 'the model was loaded from a manifest object: there is no source to ask for updates' } };
    }
    const readVersion = async (url: string): Promise<string> => (await readManifestAt(url, resolved.location, fetchImpl, options)).version;
    if (resolved.location === 'local') {
      const latest = await readVersion(resolved.manifestUrl);
      return { current, latest, available: latest !== current, pinned: false, nextLoad: latest, offline: false };
    }
    const edge = parseEdgeManifestUrl(resolved.manifestUrl);
    const pinned = edge?.pinnedVersion !== undefined;
    const latest = await readVersion(edge?.latestUrl ?? resolved.manifestUrl).catch((error: unknown) => {
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
    const unreachable = error instanceof NetworkUnreachableError || (error instanceof HttpStatusError && error.transient);
    if (!(error instanceof Error) || errorCodeOf(error) === ErrorCodes.ABORTED) throw error;
    return { ...unchanged, nextLoad: undefined, offline: unreachable, error: { code: errorCodeOf(error) ?? ErrorCodes.FETCH_FAILED, message: error.message } };
  }
}

async function readManifestAt(url: string, location: 'remote' | 'local', fetchImpl: typeof fetch, options: CheckForUpdateOptions): Promise<Manifest> {
  if (location === 'local') {
    if (!options.readLocal) throw new EdgetuneError(ErrorCodes.FETCH_FAILED, `cannot read ${url} here`);
    return decodeManifest(await options.readLocal.readFile(url, options.signal), url);
  }
  const { bytes, finalUrl } = await fetchManifestBytes(fetchImpl, url, options.signal, options.stallTimeoutMs);
  return decodeManifest(bytes, finalUrl);
}
