import type { LoadRequest, SourceRequest } from '../engine/engine-protocol.ts';
import { ManifestError, plainJson } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError } from '../errors.ts';
import { versionedManifestUrl } from '../loading/edge-manifest-url.ts';
import { Classifier } from './classifier.ts';
import { takePreloadedWorker } from './preload-runtime.ts';
import { resolveRuntimeOptions, type RuntimeOptions } from './runtime-options.ts';
import type { ConnectWorker } from './worker-connection.ts';

export interface LoadClassifierOptions extends RuntimeOptions {
  /** Where the files of a manifest object live (a URL, or in Node a directory). */
  readonly baseUrl?: string;
  readonly signal?: AbortSignal;
  /**
   * How long the model server may send nothing (no response, no next chunk) before the download
   * fails with E_FETCH_FAILED; a manifest that stalls falls back to the cached copy. Default 30000.
   */
  readonly networkTimeoutMs?: number;
  /**
   * Pins a version: with an edge manifest URL (`<edge>/v1/models/<name>/manifest.json`) loads
   * exactly `<edge>/v1/models/<name>/<version>/manifest.json`. A pinned classifier stays on its
   * version when newer ones are published; only a withdrawal moves it (see checkForUpdate()).
   */
  readonly version?: string;
}

/** A manifest URL, a local directory (Node), or a manifest object with `options.baseUrl`. */
export type ModelSource = string | URL | Record<string, unknown>;

export type ResolveSource = (source: ModelSource, options: LoadClassifierOptions) => SourceRequest;

export function createLoadClassifier(connect: ConnectWorker, resolveSource: ResolveSource) {
  return async function loadClassifier(source: ModelSource, options: LoadClassifierOptions = {}): Promise<Classifier> {
    const runtime = resolveRuntimeOptions(options);
    const timeout = options.networkTimeoutMs;
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 600_000)) {
      throw new InputRangeError(`options.networkTimeoutMs must be an integer from 1 to 600000 (milliseconds), got ${timeout}`);
    }
    const request: LoadRequest = { source: pin(resolveSource(source, options), options.version), ...runtime, ...(timeout ? { networkTimeoutMs: timeout } : {}) };
    // A worker preloadRuntime() started with the same runtime options is used instead of a new one.
    const preloaded = takePreloadedWorker(runtime);
    return Classifier.start(connect, request, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(preloaded ? { connection: preloaded } : {}),
    });
  };
}

/** The source with options.version applied: the edge's URL of exactly that version. */
function pin(source: SourceRequest, version: string | undefined): SourceRequest {
  if (version === undefined) return source;
  if (source.kind !== 'url') {
    throw new InputRangeError('options.version pins a version on the edge: pass the edge manifest URL (<edge>/v1/models/<name>/manifest.json) as the source');
  }
  return { kind: 'url', url: versionedManifestUrl(source.url, version) };
}

/** The parts of source resolution shared by both builds. */
export function resolveManifestObject(source: Record<string, unknown>, options: LoadClassifierOptions): SourceRequest {
  if (!options.baseUrl) {
    throw new InputRangeError('source is a manifest object, so options.baseUrl must say where its files live');
  }
  return { kind: 'manifest', manifest: boundedCopy(source), baseUrl: options.baseUrl };
}

/**
 * Only bounded plain JSON is sent to the worker: a deeply nested or cyclic object would fail to
 * cross postMessage, or cross and fail to come back. The worker validates the rest.
 */
function boundedCopy(source: Record<string, unknown>): unknown {
  try {
    return plainJson(source);
  } catch (cause) {
    if (!(cause instanceof ManifestError)) throw cause;
    throw new EdgetuneError(ErrorCodes.MANIFEST_INVALID, `The manifest passed in is invalid: ${cause.message}. Pass the parsed manifest.json.`, { cause });
  }
}

export function assertSource(source: unknown): asserts source is ModelSource {
  const ok = typeof source === 'string' ? source.length > 0 : source instanceof URL || (typeof source === 'object' && source !== null && !Array.isArray(source));
  if (!ok) {
    throw new InputTypeError(`source must be a manifest URL, a local directory (Node) or a manifest object; got ${source === '' ? 'an empty string' : typeof source}`);
  }
}
