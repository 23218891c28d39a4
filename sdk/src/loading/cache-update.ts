import type { Manifest } from '../artifacts/manifest.ts';
import type { ArtifactStore } from './artifact-store.ts';

/**
 * Records a fully verified load in the store: its new files, then its manifest under `key`, then
 * drops files that the manifest previously stored under `key` used and no stored manifest still
 * references. In that order, a crash midway leaves at worst unreferenced files, never a manifest
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
  if (!previous) return;

  const current = hashesOf(manifest);
  const stale = [...hashesOf(previous)].filter((sha256) => !current.has(sha256));
  if (stale.length === 0) return;
  // The same file may back another model location (e.g. a static host and the edge API).
  const stillUsed = new Set<string>();
  for (const otherKey of await store.listManifests()) {
    if (otherKey === key) continue;
    const other = await store.getManifest(otherKey);
    if (other) for (const sha256 of hashesOf(other)) stillUsed.add(sha256);
  }
  for (const sha256 of stale) if (!stillUsed.has(sha256)) await store.deleteFile(sha256);
}

function hashesOf(manifest: Manifest): Set<string> {
  return new Set(Object.values(manifest.files).map((digest) => digest.sha256));
}
