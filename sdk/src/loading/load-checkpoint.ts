import type { CheckpointFileName, Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { newLeaseKey, storeLease } from './cache-leases.ts';
import { commitToStore, keepReadFiles, releaseLease } from './cache-update.ts';
import { resolveSource, type CheckpointSource, type ResolvedSource } from './checkpoint-source.ts';
import { FailSafeStore } from './fail-safe-store.ts';
import { gatherFiles, type GatherContext } from './gather-files.ts';
import { HttpStatusError } from './http-get.ts';
import { describeCause, NetworkUnreachableError, throwIfAborted } from './load-errors.ts';
import { VersionWithdrawnError } from './withdrawn-version.ts';
import { ProgressReporter, type ProgressListener } from './load-progress.ts';
import { settledLater } from './settled-later.ts';
import type { LocalReader } from './local-reader.ts';
import { decodeManifest, fetchManifestBytes, validateManifest } from './read-manifest.ts';

export interface LoadCheckpointOptions {
  /** Resolves a relative manifest URL. */
  readonly baseUrl?: string;
  /** Where verified files are cached by sha256; null or absent: no caching. Unused for local files. */
  readonly store?: ArtifactStore | null;
  /** Aborting rejects with E_ABORTED and caches nothing. */
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  /** Non-fatal problems (E_CACHE: the cache failed or held a damaged file). Default: console.warn. */
  readonly onWarning?: (warning: EdgetuneError) => void;
  readonly fetch?: typeof fetch;
  /**
   * How long a download may make no progress (no response, no next chunk) before it fails with
   * E_FETCH_FAILED; a stalled manifest falls back to the cached copy. Default 30 s.
   */
  readonly stallTimeoutMs?: number;
  /** Where a file of the manifest lives. Default: next to the manifest, `new URL(fileName, manifestUrl)`. */
  readonly fileUrl?: (manifest: Manifest, fileName: string, manifestUrl: string) => string;
  /** Reads paths and file:// URLs; the Node build passes `localDirectorySource`. */
  readonly readLocal?: LocalReader;
  /**
   * Keep the cached files of this load from deletion until the lease (LoadedCheckpoint.lease) is
   * released with releaseLease(): for loads whose files stay in use (a classifier). Without it the
   * files are protected only while the load runs.
   */
  readonly lease?: boolean;
  /**
   * Resolve once the files are verified and hand the cache write to this callback instead of
   * awaiting it. The caller keeps it alive (a worker lets it finish before it stops). Needs
   * `lease`, which keeps the files while the write runs.
   */
  readonly commitLater?: (commit: Promise<void>) => void;
}

export type CheckpointFiles = Record<CheckpointFileName, Uint8Array<ArrayBuffer>> & Record<string, Uint8Array<ArrayBuffer>>;

export interface LoadedCheckpoint {
  readonly manifest: Manifest;
  /** Every file the manifest lists, each verified against its sha256 and size. */
  readonly files: CheckpointFiles;
  /** 'network': all read from the source (for a local directory: the disk); 'cache': all from the store. */
  readonly source: 'network' | 'cache' | 'mixed';
  /** The manifest could not be fetched, so the cached version was loaded. */
  readonly offline: boolean;
  /** The manifest's absolute URL (for an in-memory manifest: its base URL); the cache key. */
  readonly manifestUrl: string;
  /** Where the manifest was finally read from (after redirects, or the withdrawn version's replacement). */
  readonly finalUrl: string;
  /** The version asked for was withdrawn at the edge, so its replacement was loaded instead. */
  readonly withdrawn?: { readonly version: string; readonly replacement: string };
  /** With options.lease and a store: the lease on this version's cached files. */
  readonly lease?: string;
}

/**
 * Fetches a checkpoint's manifest and files, verifies each file's sha256 and size, and keeps
 * them in `options.store` so the next load only re-fetches the manifest (to see new versions).
 * Nothing is stored unless every file verified. When the network is unreachable, a complete
 * cached copy is loaded instead, flagged `offline: true`.
 */
export async function loadCheckpoint(source: CheckpointSource, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  throwIfAborted(options.signal, 'Loading the model');
  const resolved = await resolveSource(source, options.baseUrl, options.readLocal);
  const warn = options.onWarning ?? warnOnConsole;
  const store = options.store && resolved.location === 'remote' ? new FailSafeStore(options.store, warn) : null;
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  let manifest: Manifest;
  let offline = false;
  // Where file names resolve: the manifest's URL after redirects (an edge's "latest" alias redirects
  // to a versioned URL); the requested URL stays the cache key.
  let filesBaseUrl = resolved.manifestUrl;
  let withdrawn: LoadedCheckpoint['withdrawn'];
  try {
    ({ manifest, finalUrl: filesBaseUrl, withdrawn } = await readManifestOrReplacement(resolved, fetchImpl, options, warn));
  } catch (error) {
    // Like no network at all: the server is down, overloaded (5xx, 429) or stalled.
    if (!(error instanceof NetworkUnreachableError || (error instanceof HttpStatusError && error.transient))) throw error;
    manifest = await cachedManifestFor(store, resolved.manifestUrl, error);
    offline = true;
  }

  const total = Object.values(manifest.files).reduce((sum, digest) => sum + digest.bytes, 0);
  const progress = new ProgressReporter(total, options.onProgress);
  progress.manifestReady(offline);
  const context: GatherContext = {
    manifestUrl: filesBaseUrl,
    location: resolved.location,
    store,
    fetch: fetchImpl,
    readLocal: options.readLocal,
    stallTimeoutMs: options.stallTimeoutMs,
    fileUrl: options.fileUrl ?? siblingUrl,
    signal: options.signal,
    progress,
    warn,
    offline,
  };
  // Written beside the file reads, not before them: on a first visit the Cache API's first write
  // took 100-300 ms, all of it on the load's critical path. Every store of a file waits for it,
  // and files read from the cache before it landed are checked again once it has (keepReadFiles).
  const lease = store ? newLeaseKey() : undefined;
  const leasing = store && lease ? settledLater(storeLease(store, lease, manifest)) : Promise.resolve();
  let gathered;
  try {
    gathered = await gatherFiles(context, manifest);
    throwIfAborted(options.signal, 'Loading the model');
  } catch (error) {
    // Through the store itself: the fail-safe wrapper stops writing after a storage failure.
    if (options.store && lease) {
      await leasing.catch(() => undefined);
      await releaseLease(options.store, lease);
    }
    throw error;
  }
  if (store) {
    const commit = leasing.then(async () => {
      await keepReadFiles(store, new Map(gathered.filter((file) => file.fromCache).map((file) => [file.digest.sha256, file.bytes])));
      if (offline) return;
      const downloaded = new Map(gathered.filter((file) => !file.fromCache).map((file) => [file.digest.sha256, file.bytes]));
      await commitToStore(store, resolved.manifestUrl, manifest, downloaded);
    });
    // The store is fail-safe: a failed write is a warning, never a failed load.
    if (options.commitLater && options.lease) options.commitLater(commit);
    else await commit;
  }
  // Only held for the load itself: the files it kept are referenced by the manifest just stored.
  if (options.store && lease && !options.lease) await options.store.deleteManifest(lease).catch(() => undefined);
  const fromCache = gathered.filter((file) => file.fromCache).length;
  progress.ready(fromCache === gathered.length);
  return {
    manifest,
    files: Object.fromEntries(gathered.map((file) => [file.fileName, file.bytes])) as CheckpointFiles,
    source: fromCache === 0 ? 'network' : fromCache === gathered.length ? 'cache' : 'mixed',
    offline,
    manifestUrl: resolved.manifestUrl,
    finalUrl: filesBaseUrl,
    ...(withdrawn ? { withdrawn } : {}),
    ...(lease && options.lease ? { lease } : {}),
  };
}

/**
 * The manifest; for a version withdrawn at the edge, the manifest of the version the edge names
 * as its replacement (one step, never a chain), with an E_VERSION_WITHDRAWN warning.
 */
async function readManifestOrReplacement(
  resolved: ResolvedSource,
  fetchImpl: typeof fetch,
  options: LoadCheckpointOptions,
  warn: (warning: EdgetuneError) => void,
): Promise<{ manifest: Manifest; finalUrl: string; withdrawn?: LoadedCheckpoint['withdrawn'] }> {
  try {
    return await readManifest(resolved, fetchImpl, options);
  } catch (error) {
    if (!(error instanceof VersionWithdrawnError) || !error.replacement) throw error;
    const { replacement } = error;
    const read = await readManifest({ manifestUrl: replacement.manifestUrl, location: 'remote' }, fetchImpl, options);
    if (read.manifest.version !== replacement.version) {
      throw new EdgetuneError(
        ErrorCodes.MANIFEST_INVALID,
        `${resolved.manifestUrl} was withdrawn in favour of ${replacement.version}, but ${replacement.manifestUrl} holds version ${read.manifest.version}; re-publish the model.`,
      );
    }
    warn(new EdgetuneError(ErrorCodes.VERSION_WITHDRAWN, `${error.message} Loaded ${read.manifest.name}@${replacement.version} instead.`, { cause: error }));
    return { ...read, withdrawn: { version: error.version, replacement: replacement.version } };
  }
}

async function readManifest(
  resolved: ResolvedSource,
  fetchImpl: typeof fetch,
  options: LoadCheckpointOptions,
): Promise<{ manifest: Manifest; finalUrl: string }> {
  const { manifestUrl } = resolved;
  if ('inlineManifest' in resolved) {
    return { manifest: validateManifest(resolved.inlineManifest, `the manifest passed in (files at ${manifestUrl})`), finalUrl: manifestUrl };
  }
  if (resolved.location === 'local') {
    if (!options.readLocal) throw new Error('unreachable: local sources are resolved only with a LocalReader');
    return { manifest: decodeManifest(await options.readLocal.readFile(manifestUrl, options.signal), manifestUrl), finalUrl: manifestUrl };
  }
  const { bytes, finalUrl } = await fetchManifestBytes(fetchImpl, manifestUrl, options.signal, options.stallTimeoutMs);
  return { manifest: decodeManifest(bytes, finalUrl), finalUrl };
}

/** The offline fallback: the manifest last stored for this URL, or an error saying none exists. */
async function cachedManifestFor(store: ArtifactStore | null, manifestUrl: string, networkError: EdgetuneError): Promise<Manifest> {
  const cached = await store?.getManifest(manifestUrl);
  if (cached) return cached;
  const problem =
    networkError instanceof HttpStatusError
      ? `The model server cannot serve now (GET ${manifestUrl} answered HTTP ${networkError.status})`
      : `The network is unreachable (${describeCause(networkError.cause)} while fetching ${manifestUrl})`;
  throw new EdgetuneError(
    ErrorCodes.FETCH_FAILED,
    `${problem} and no intact cached copy of this model exists${store ? ' (a cached manifest that fails its sha256 seal does not count)' : ' (caching is off)'}. ` +
      'Retry when the server is reachable and load it once; after that it also loads offline.',
    { cause: networkError },
  );
}

function siblingUrl(_manifest: Manifest, fileName: string, manifestUrl: string): string {
  return new URL(fileName, manifestUrl).href;
}

function warnOnConsole(warning: EdgetuneError): void {
  console.warn(`[edgetune] ${warning.message}`);
}
