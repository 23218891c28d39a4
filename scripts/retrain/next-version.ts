import { compareVersions, isVersion } from '../../sdk/src/artifacts/model-version.ts';

/**
 * The version a retrain publishes: the next minor above every version already known (the base
 * checkpoint's and each one the edge lists), so a version number is never reused.
 */
export function nextMinorVersion(known: readonly string[]): string {
  const versions = known.filter(isVersion);
  if (versions.length === 0) throw new RangeError('no base version to bump');
  const highest = versions.sort(compareVersions).at(-1)!;
  const [major, minor] = highest.split(/[.-]/).map(Number) as [number, number];
  return `${major}.${minor + 1}.0`;
}
