import { parseManifest, type Manifest } from '../../sdk/src/artifacts/manifest.ts';
import { sha256Hex } from '../../sdk/src/loading/bytes.ts';
import { compareVersions, fileKey, latestKey, MANIFEST_FILE, parseLatestPointer, type LatestPointer } from '../../workers/src/store/model-keys.ts';
import type { ObjectStore } from './object-store.ts';

/*
 * Publishing one checkpoint version (pure: runs in Node against the wrangler CLI or a platform
 * proxy, and in workerd against an R2 binding). Order is what makes it safe for readers: every
 * file under its versioned key (each read back and checked against the manifest's sha256), then
 * the version's manifest (from then on the version exists), then the "latest" pointer.
 */

export class PublishError extends Error {
  override name = 'PublishError';
  constructor(
    readonly code: 'E_PUBLISH_CONFLICT' | 'E_INTEGRITY' | 'E_MANIFEST_INVALID' | 'E_NOT_FOUND' | 'E_INPUT_RANGE',
    message: string,
  ) {
    super(message);
  }
}

export interface Checkpoint {
  readonly manifestBytes: Uint8Array;
  /** Every file the manifest lists, by file name. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export type PublishStep =
  | { readonly kind: 'file' | 'manifest'; readonly key: string; readonly action: 'uploaded' | 'present' }
  | { readonly kind: 'latest'; readonly key: string; readonly action: 'moved' | 'kept'; readonly version: string };

export interface PublishOptions {
  /** Called after each step; awaited, so a test can look at the bucket halfway through. */
  readonly onStep?: (step: PublishStep) => void | Promise<void>;
  readonly now?: () => Date;
}

export interface PublishReport {
  readonly name: string;
  readonly version: string;
  /** False when this exact version was already published (nothing was written). */
  readonly changed: boolean;
  readonly steps: readonly PublishStep[];
}

export async function publishModel(store: ObjectStore, checkpoint: Checkpoint, options: PublishOptions = {}): Promise<PublishReport> {
  const manifest = readManifest(checkpoint.manifestBytes);
  await verifyLocalFiles(manifest, checkpoint.files);
  const { name, version } = manifest;
  const steps: PublishStep[] = [];
  const record = async (step: PublishStep) => {
    steps.push(step);
    await options.onStep?.(step);
  };

  const manifestKey = fileKey(name, version, MANIFEST_FILE);
  const published = await store.get(manifestKey);
  if (published && !sameBytes(published, checkpoint.manifestBytes)) {
    throw new PublishError(
      'E_PUBLISH_CONFLICT',
      `${name}@${version} is already published with a different manifest; a published version never changes. ` +
        'Give the checkpoint a new version (manifest.json "version") and publish that.',
    );
  }

  let changed = false;
  if (!published) {
    for (const [fileName, digest] of Object.entries(manifest.files)) {
      const key = fileKey(name, version, fileName);
      const uploaded = await putVerified(store, key, checkpoint.files.get(fileName)!, digest.sha256, 'application/octet-stream');
      await record({ kind: 'file', key, action: uploaded ? 'uploaded' : 'present' });
    }
    await putVerified(store, manifestKey, checkpoint.manifestBytes, await sha256Hex(checkpoint.manifestBytes), 'application/json');
    await record({ kind: 'manifest', key: manifestKey, action: 'uploaded' });
    changed = true;
  } else {
    await record({ kind: 'manifest', key: manifestKey, action: 'present' });
  }

  // The pointer only moves forward: publishing an older version (a fix of 1.0) leaves 2.0 as latest.
  const pointerBytes = await store.get(latestKey(name));
  const current = pointerBytes ? parseLatestPointer(new TextDecoder().decode(pointerBytes)) : undefined;
  if (current === undefined || compareVersions(version, current.version) > 0) {
    const pointer: LatestPointer = { version, publishedAt: (options.now?.() ?? new Date()).toISOString() };
    const bytes = new TextEncoder().encode(`${JSON.stringify(pointer)}\n`);
    await putVerified(store, latestKey(name), bytes, await sha256Hex(bytes), 'application/json');
    await record({ kind: 'latest', key: latestKey(name), action: 'moved', version });
    changed = true;
  } else {
    await record({ kind: 'latest', key: latestKey(name), action: 'kept', version: current.version });
  }
  return { name, version, changed, steps };
}

function readManifest(bytes: Uint8Array): Manifest {
  try {
    return parseManifest(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (cause) {
    throw new PublishError('E_MANIFEST_INVALID', `manifest.json is invalid (${(cause as Error).message}); re-export the checkpoint.`);
  }
}

async function verifyLocalFiles(manifest: Manifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  for (const [fileName, digest] of Object.entries(manifest.files)) {
    const bytes = files.get(fileName);
    if (!bytes) throw new PublishError('E_INTEGRITY', `the checkpoint has no "${fileName}", which its manifest lists`);
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== digest.sha256 || bytes.byteLength !== digest.bytes) {
      throw new PublishError(
        'E_INTEGRITY',
        `"${fileName}" does not match its manifest (sha256 ${sha256}, ${bytes.byteLength} bytes; expected ${digest.sha256}, ` +
          `${digest.bytes} bytes); re-export the checkpoint before publishing.`,
      );
    }
  }
}

/** Uploads unless an identical object is there; then reads it back and checks its sha256. True if uploaded. */
export async function putVerified(store: ObjectStore, key: string, bytes: Uint8Array, sha256: string, contentType: string): Promise<boolean> {
  const existing = await store.get(key);
  // A file left by an interrupted publish of this (unpublished) version is replaced if it differs.
  const present = existing !== undefined && (await sha256Hex(existing)) === sha256;
  if (!present) await store.put(key, bytes, contentType);
  const stored = present ? existing : await store.get(key);
  const actual = stored === undefined ? 'nothing' : `sha256 ${await sha256Hex(stored)}`;
  if (stored === undefined || actual !== `sha256 ${sha256}`) {
    throw new PublishError('E_INTEGRITY', `${key} reads back as ${actual} after upload, expected sha256 ${sha256}; publish again.`);
  }
  return !present;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
