import type { Manifest } from '../artifacts/manifest.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { DEFAULTS } from '../defaults.ts';

/**
 * A lease says "a classifier is using these files": a copy of its manifest stored under a key of
 * its own, `edgetune-lease:<expiry ms>:<id>`, which the cache's sweep (cache-update.ts) treats
 * like any cached manifest. Written as a load starts reading files and awaited before it stores
 * any, released when the classifier is disposed, so a newer version loaded meanwhile (another tab,
 * another classifier) never deletes files still in use. One whose holder died without disposing
 * expires.
 */
const PREFIX = 'edgetune-lease:';

export const isLeaseKey = (key: string): boolean => key.startsWith(PREFIX);

/** True for an expired or malformed lease key. */
export function leaseExpired(key: string, now: number): boolean {
  const expiry = Number(key.slice(PREFIX.length).split(':', 1)[0]);
  return !Number.isSafeInteger(expiry) || expiry <= now;
}

export function newLeaseKey(now = Date.now()): string {
  return `${PREFIX}${now + DEFAULTS.cacheLeaseMs}:${crypto.randomUUID()}`;
}

export function storeLease(store: ArtifactStore, key: string, manifest: Manifest): Promise<void> {
  return store.putManifest(key, manifest);
}

