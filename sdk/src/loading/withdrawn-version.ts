import { isVersion } from '../artifacts/model-version.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';

/** What the edge adds to its 410 error body when a version's manifest is asked for after it was withdrawn. */
export interface WithdrawnVersionBody {
  readonly withdrawn: { readonly version: string; readonly withdrawnAt: string; readonly reason: string };
  /** The version the edge serves as latest now, if any. */
  readonly replacement?: { readonly version: string; readonly manifestUrl: string };
}

/** E_VERSION_WITHDRAWN with what was withdrawn and, when the edge named one, the replacement's manifest URL (absolute). */
export class VersionWithdrawnError extends EdgetuneError {
  constructor(
    readonly version: string,
    readonly replacement: { readonly version: string; readonly manifestUrl: string } | undefined,
    message: string,
  ) {
    super(ErrorCodes.VERSION_WITHDRAWN, message);
  }
}

/** A 410 body is a few hundred bytes; anything larger is not one of ours. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a 410 answer for the manifest at `url`. The replacement must be a plain versioned
 * manifest URL on the same origin: a hostile or broken body cannot send the loader elsewhere.
 */
export async function readWithdrawal(response: Response, url: string): Promise<VersionWithdrawnError> {
  const generic = () => new VersionWithdrawnError('', undefined, `The model at ${url} was withdrawn by its publisher (HTTP 410); load the model's latest version instead.`);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    return generic();
  }
  let body: Partial<WithdrawnVersionBody> & { error?: { message?: unknown } };
  try {
    const text = await response.text();
    if (text.length > MAX_BODY_BYTES) return generic();
    body = JSON.parse(text) as typeof body;
  } catch {
    return generic();
  }
  const version = body?.withdrawn?.version;
  if (!isVersion(version)) return generic();
  const message = typeof body.error?.message === 'string' ? body.error.message.slice(0, 1000) : `version ${version} was withdrawn`;
  return new VersionWithdrawnError(version, replacementOf(body.replacement, url, version), message);
}

function replacementOf(value: unknown, url: string, withdrawn: string): VersionWithdrawnError['replacement'] {
  const { version, manifestUrl } = (value ?? {}) as { version?: unknown; manifestUrl?: unknown };
  if (!isVersion(version) || version === withdrawn || typeof manifestUrl !== 'string' || manifestUrl.length > 2048) return undefined;
  let resolved: URL;
  try {
    resolved = new URL(manifestUrl, url);
  } catch {
    return undefined;
  }
  const base = new URL(url);
  const expected = base.pathname.replace(/\/[^/]+\/manifest\.json$/, `/${version}/manifest.json`);
  if (resolved.origin !== base.origin || resolved.pathname !== expected || resolved.search || resolved.hash) return undefined;
  return { version, manifestUrl: resolved.href };
}
