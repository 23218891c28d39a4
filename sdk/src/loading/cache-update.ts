import type { Manifest } from '../artifacts/manifest.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { isLeaseKey, leaseExpired } from './cache-leases.ts';

/**
 * Records a fully verified load in the store: its new files, then its manifest under `key`, then
 * sweeps. In that order, a crash midway leaves at worst unreferenced files, never a manifest
 * pointing at missing ones.
 */
export async function commitToStore(
  store: ArtifactStore,
  key: string,
  manifest: Manifest,
  downloaded: ReadonlyMap<string, Uint8Array>,
): Promise<void> {
  const previous = await store.getManifest(key);
  for (const [sha256, bytes] of downloaded) await store.putFile(sha256, bytes);
  if (previous && JSON.stringify(previous) === JSON.stringify(manifest)) return;
  await store.putManifest(key, manifest);
  await sweepStore(store);
}

/**
 * Puts back files a load read from the store if a sweep (another tab or process) deleted them
 * between that read and the load's lease landing; the load holds their verified bytes. Called
 * once the lease is stored, after which no sweep deletes them.
 */
export async function keepReadFiles(store: ArtifactStore, read: ReadonlyMap<string, Uint8Array>): Promise<void> {
  if (read.size === 0) return;
  const present = new Set(await store.listFiles());
  for (const [sha256, bytes] of read) if (!present.has(sha256)) await store.putFile(sha256, bytes);
}

/**
 * Garbage collection by reference: a file stays while a stored manifest lists it, i.e. the last
 * version loaded from each source URL (a pinned version has a URL of its own) or a live lease
 * (cache-leases.ts: a classifier using it). Expired leases go first; then every other file.
 */
export async function sweepStore(store: ArtifactStore, now = Date.now()): Promise<void> {
  // Files first, then manifests: a load stores its lease before it stores a file, so any file
  // listed here whose load is still running has its lease in the manifests listed next.
  const files = await store.listFiles();
  const used = new Set<string>();
  for (const key of await store.listManifests()) {
    if (isLeaseKey(key) && leaseExpired(key, now)) {
      await store.deleteManifest(key);
      continue;
    }
    const manifest = await store.getManifest(key);
    // An unreadable entry protects nothing; the next load of its URL stores a fresh one.
    if (manifest) for (const digest of Object.values(manifest.files)) used.add(digest.sha256);
  }
  for (const sha256 of files) if (!used.has(sha256)) await store.deleteFile(sha256);
}

/** Ends a lease (cache-leases.ts) and sweeps: files only it kept are deleted. Never throws: the cache is an optimisation. */
export async function releaseLease(store: ArtifactStore, lease: string): Promise<void> {
  try {
    await store.deleteManifest(lease);
    await sweepStore(store);
  } catch {
    // An unusable cache: the lease expires on its own.
  }
}
