import { InputRangeError, InputTypeError } from '../errors.ts';
import type { LocalReader } from './local-reader.ts';

/**
 * What to load: a manifest URL (absolute http(s), file://, relative to `baseUrl`, or in Node a
 * directory path), or a manifest already in memory whose files sit under `baseUrl`.
 */
export type CheckpointSource = string | { readonly manifest: unknown; readonly baseUrl: string };

export interface ResolvedSource {
  /** The manifest's absolute URL (for an in-memory manifest, its base URL): files resolve against it. */
  readonly manifestUrl: string;
  readonly location: 'remote' | 'local';
  /** Present for an in-memory manifest, which needs no fetch. */
  readonly inlineManifest?: unknown;
}

const WINDOWS_PATH = /^[a-zA-Z]:[\\/]/;

export async function resolveSource(source: CheckpointSource, baseUrl?: string, readLocal?: LocalReader): Promise<ResolvedSource> {
  if (typeof source === 'string') return resolveLocation(source, baseUrl, readLocal);
  if (typeof source !== 'object' || source === null || typeof source.baseUrl !== 'string') {
    throw new InputTypeError('the model source must be a manifest URL string, or { manifest, baseUrl } with a string baseUrl');
  }
  // A base without a trailing slash would make new URL() drop its last segment.
  const base = source.baseUrl.endsWith('/') || source.baseUrl.endsWith('\\') ? source.baseUrl : `${source.baseUrl}/`;
  const resolved = await resolveLocation(base, undefined, readLocal);
  const directoryUrl = resolved.manifestUrl.endsWith('/') ? resolved.manifestUrl : new URL('./', resolved.manifestUrl).href;
  return { manifestUrl: directoryUrl, location: resolved.location, inlineManifest: source.manifest };
}

async function resolveLocation(location: string, baseUrl: string | undefined, readLocal: LocalReader | undefined): Promise<ResolvedSource> {
  if (readLocal && WINDOWS_PATH.test(location)) return resolveLocal(location, readLocal);
  const absolute = parseUrl(location) ?? (baseUrl === undefined ? undefined : resolveAgainst(location, baseUrl));
  if (absolute === undefined) {
    if (readLocal) return resolveLocal(location, readLocal);
    throw new InputRangeError(
      `model source "${location}" is not an absolute http(s) URL: pass options.baseUrl to resolve a relative URL` +
        ' (or, in Node, a checkpoint directory path).',
    );
  }
  if (absolute.protocol === 'http:' || absolute.protocol === 'https:') return { manifestUrl: absolute.href, location: 'remote' };
  if (absolute.protocol === 'file:') {
    if (!readLocal) {
      throw new InputRangeError(
        `cannot read ${absolute.href} here: local files load only in the Node build of the SDK; serve the checkpoint over http(s).`,
      );
    }
    return resolveLocal(absolute.href, readLocal);
  }
  throw new InputRangeError(`unsupported model URL scheme "${absolute.protocol}" in ${absolute.href}: use http(s):// or file://.`);
}

async function resolveLocal(location: string, readLocal: LocalReader): Promise<ResolvedSource> {
  return { manifestUrl: await readLocal.resolveManifestUrl(location), location: 'local' };
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function resolveAgainst(relative: string, baseUrl: string): URL {
  const base = parseUrl(baseUrl);
  if (!base) throw new InputRangeError(`options.baseUrl "${baseUrl}" is not an absolute URL`);
  return new URL(relative, base);
}
