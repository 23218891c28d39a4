/**
 * Model version strings as the edge publishes them: semver `MAJOR.MINOR.PATCH[-pre]`, bounded so
 * a version is always a safe URL path segment and object-key part. Pure: shared by the SDK, the
 * edge Worker and the publish scripts.
 */
const VERSION = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(-[0-9A-Za-z.-]{1,40})?$/;

export const isVersion = (value: unknown): value is string => typeof value === 'string' && VERSION.test(value);

/** Semver order without build metadata: numeric parts, then a release above its pre-releases. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = a.split('-', 2);
  const [coreB = '', preB] = b.split('-', 2);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}
