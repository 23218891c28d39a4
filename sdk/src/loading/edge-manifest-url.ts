import { isVersion } from '../artifacts/model-version.ts';
import { InputRangeError } from '../errors.ts';

/**
 * The edge's two manifest URLs for a model: `<edge>/v1/models/<name>/manifest.json` (redirects to
 * the latest version) and `<edge>/v1/models/<name>/<version>/manifest.json` (exactly that version,
 * i.e. pinned). Other URLs (a static host) have no versions to choose from.
 */
export interface EdgeManifestUrl {
  /** The unversioned URL: whatever the edge serves as latest. */
  readonly latestUrl: string;
  /** Set when the URL names a version. */
  readonly pinnedVersion?: string;
}

const LATEST = /^(.*\/v1\/models\/[^/]+)\/manifest\.json$/;
const PINNED = /^(.*\/v1\/models\/[^/]+)\/([^/]+)\/manifest\.json$/;

export function parseEdgeManifestUrl(url: string): EdgeManifestUrl | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.search || parsed.hash) return undefined;
  const pinned = PINNED.exec(parsed.pathname);
  if (pinned && isVersion(pinned[2])) return { latestUrl: new URL(`${pinned[1]}/manifest.json`, parsed).href, pinnedVersion: pinned[2] };
  if (LATEST.test(parsed.pathname)) return { latestUrl: parsed.href };
  return undefined;
}

/** The URL of `version` of the model `url` names; what loadClassifier(url, { version }) loads. */
export function versionedManifestUrl(url: string, version: unknown): string {
  if (!isVersion(version)) {
    throw new InputRangeError(`options.version must be a version like 1.2.0 (MAJOR.MINOR.PATCH, optionally -pre), got ${JSON.stringify(String(version).slice(0, 60))}`);
  }
  const edge = parseEdgeManifestUrl(url);
  if (!edge) {
    throw new InputRangeError(
      `options.version pins a version on the edge, so the source must be an edge manifest URL like https://edge.example.com/v1/models/<name>/manifest.json, got ${url}`,
    );
  }
  if (edge.pinnedVersion !== undefined && edge.pinnedVersion !== version) {
    throw new InputRangeError(`the source ${url} already names version ${edge.pinnedVersion}, but options.version is ${version}; pass one of them`);
  }
  return edge.latestUrl.replace(/\/manifest\.json$/, `/${version}/manifest.json`);
}
