import type { FileDigest, Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { fetchFile } from './fetch-file.ts';
import { assertUnderManifestDirectory } from './file-location.ts';
import type { LocalReader } from './local-reader.ts';
import type { ProgressReporter } from './load-progress.ts';
import { findMismatch, verifyFile } from './verify-file.ts';

export interface GatherContext {
  readonly manifestUrl: string;
  readonly location: 'remote' | 'local';
  readonly store: ArtifactStore | null;
  readonly fetch: typeof fetch;
  readonly readLocal: LocalReader | undefined;
  readonly stallTimeoutMs: number | undefined;
  readonly fileUrl: (manifest: Manifest, fileName: string, manifestUrl: string) => string;
  readonly signal: AbortSignal | undefined;
  readonly progress: ProgressReporter;
  readonly warn: (warning: EdgetuneError) => void;
  /** Cache only: the manifest came from the store because the network is down. */
  readonly offline: boolean;
}

export interface GatheredFile {
  readonly fileName: string;
  readonly digest: FileDigest;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly fromCache: boolean;
}

/**
 * Every file of the manifest, verified: from the store when it holds an intact copy, else from
 * the source. Files load in parallel; the first failure cancels the others.
 */
export async function gatherFiles(context: GatherContext, manifest: Manifest): Promise<GatheredFile[]> {
  const siblings = new AbortController();
  const { signal } = context;
  const forwardAbort = () => siblings.abort(signal?.reason);
  if (signal?.aborted) forwardAbort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const scoped = { ...context, signal: siblings.signal };
  try {
    return await Promise.all(
      Object.entries(manifest.files).map(async ([fileName, digest]) => {
        try {
          return await gatherFile(scoped, manifest, fileName, digest);
        } catch (error) {
          siblings.abort(error);
          throw error;
        }
      }),
    );
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
  }
}

async function gatherFile(context: GatherContext, manifest: Manifest, fileName: string, digest: FileDigest): Promise<GatheredFile> {
  const cached = await readIntactCopy(context, fileName, digest);
  if (cached) {
    context.progress.fileBytes(fileName, cached.byteLength, digest.bytes, true);
    return { fileName, digest, bytes: cached, fromCache: true };
  }
  if (context.offline) {
    throw new EdgetuneError(
      ErrorCodes.FETCH_FAILED,
      `The network is unreachable and the cached copy of ${context.manifestUrl} is incomplete ("${fileName}" is missing); ` +
        'reconnect and load the model again.',
    );
  }
  const url = context.fileUrl(manifest, fileName, context.manifestUrl);
  assertUnderManifestDirectory(url, context.manifestUrl, fileName);
  const bytes = await readFromSource(context, url, fileName, digest);
  context.progress.verifying(fileName, digest.bytes);
  await verifyFile(fileName, bytes, digest, url);
  return { fileName, digest, bytes, fromCache: false };
}

async function readFromSource(context: GatherContext, url: string, fileName: string, expected: FileDigest): Promise<Uint8Array<ArrayBuffer>> {
  const onBytes = (loaded: number) => context.progress.fileBytes(fileName, loaded, expected.bytes, false);
  if (context.location === 'remote') {
    return fetchFile({ url, fileName, expected, fetch: context.fetch, signal: context.signal, stallTimeoutMs: context.stallTimeoutMs, onBytes });
  }
  if (!context.readLocal) throw new Error('unreachable: local sources are resolved only with a LocalReader');
  const bytes = await context.readLocal.readFile(url, context.signal);
  onBytes(Math.min(bytes.byteLength, expected.bytes));
  return bytes;
}

/** The stored copy if its hash still matches; a damaged copy is deleted so it gets replaced. */
async function readIntactCopy(context: GatherContext, fileName: string, digest: FileDigest): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!context.store) return undefined;
  const bytes = await context.store.getFile(digest.sha256);
  if (!bytes) return undefined;
  const actual = await findMismatch(bytes, digest);
  if (!actual) return bytes;
  context.warn(
    new EdgetuneError(
      ErrorCodes.CACHE,
      `The cached copy of "${fileName}" is damaged (sha256 ${actual.sha256}, ${actual.bytes} bytes; expected ` +
        `${digest.sha256}, ${digest.bytes} bytes); it was deleted so that a fresh copy replaces it.`,
    ),
  );
  await context.store.deleteFile(digest.sha256);
  return undefined;
}
