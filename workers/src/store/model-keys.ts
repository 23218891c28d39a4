/**
 * Where a published checkpoint lives in the models bucket. Pure: the Worker reads with it and
 * scripts/publish writes with it.
 *
 *   models/<name>/<version>/<file>      every file of the checkpoint, manifest.json included
 *   models/<name>/latest.json           { "version": "<version>", "publishedAt": "<ISO time>" }
 *   models/<name>/withdrawn.json        versions taken back (withdrawals.ts)
 *
 * A version exists once its manifest.json does: publishing writes the files first, then the
 * manifest, then moves latest.json, so a reader sees the old version or the new one, never a mix.
 */

import { compareVersions, isVersion } from '../../../sdk/src/artifacts/model-version.ts';

export { compareVersions, isVersion };

export const MODELS_PREFIX = 'models/';
export const MANIFEST_FILE = 'manifest.json';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const isModelName = (value: string): boolean => NAME.test(value);
export const isFileName = (value: string): boolean => FILE.test(value) && !value.includes('..');

export const modelPrefix = (name: string): string => `${MODELS_PREFIX}${name}/`;
export const latestKey = (name: string): string => `${modelPrefix(name)}latest.json`;
export const withdrawnKey = (name: string): string => `${modelPrefix(name)}withdrawn.json`;
export const fileKey = (name: string, version: string, file: string): string => `${modelPrefix(name)}${version}/${file}`;

export interface LatestPointer {
  readonly version: string;
  readonly publishedAt: string;
}

/** The pointer's JSON, or undefined when it is not a valid pointer. */
export function parseLatestPointer(text: string): LatestPointer | undefined {
  try {
    const value = JSON.parse(text) as Partial<LatestPointer> | null;
    if (typeof value?.version !== 'string' || !isVersion(value.version)) return undefined;
    return { version: value.version, publishedAt: typeof value.publishedAt === 'string' ? value.publishedAt : '' };
  } catch {
    return undefined;
  }
}
