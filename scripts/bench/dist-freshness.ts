import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root.ts';

const SOURCE_DIR = 'sdk/src';
const BUILDS = ['dist/node/index.js', 'dist/browser/index.js'];

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The bench measures dist/, so a build older than the SDK sources measures old code. */
export function staleBuildWarning(): string | undefined {
  const source = newestSourceMtime(join(REPO_ROOT, SOURCE_DIR));
  const stale = BUILDS.filter((build) => {
    try {
      return statSync(join(REPO_ROOT, build)).mtimeMs < source;
    } catch {
      return false; // a missing build fails loudly where it is imported
    }
  });
  if (stale.length === 0) return undefined;
  return `${stale.join(' and ')} ${stale.length === 1 ? 'is' : 'are'} older than ${SOURCE_DIR}: run \`npm run build\` (npm run bench does)`;
}
