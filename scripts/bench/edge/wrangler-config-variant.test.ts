import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../repo-root.ts';
import { productAssetsSection, writeConfigVariant } from './wrangler-config-variant.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function variantDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edgetune-config-variant-'));
  dirs.push(dir);
  return dir;
}

describe('writeConfigVariant', () => {
  it('drops the edge\'s [assets] section and keeps every other table, with absolute paths', async () => {
    const text = await readFile(await writeConfigVariant(join(REPO_ROOT, 'wrangler.toml'), await variantDir(), { withoutAssets: true }), 'utf8');
    expect(text).not.toMatch(/^\[assets\]/m);
    expect(text).not.toContain('run_worker_first');
    expect(text).toContain(`main = ${JSON.stringify(join(REPO_ROOT, 'workers/src/index.ts'))}`);
    expect(text).toContain(`migrations_dir = ${JSON.stringify(join(REPO_ROOT, 'workers/migrations'))}`);
    for (const table of ['[limits]', '[vars]', '[[r2_buckets]]', '[[d1_databases]]', '[[ratelimits]]']) expect(text).toContain(table);
  });

  it('gives the bare Worker the edge\'s [assets] section, its directory made absolute', async () => {
    const assets = await productAssetsSection();
    expect(assets).toMatch(/^\[assets\]\n/);
    const text = await readFile(await writeConfigVariant(join(REPO_ROOT, 'workers/bench/wrangler.toml'), await variantDir(), { addAssets: assets }), 'utf8');
    expect(text).toContain(`main = ${JSON.stringify(join(REPO_ROOT, 'workers/bench/index.ts'))}`);
    expect(text).toContain(`directory = ${JSON.stringify(join(REPO_ROOT, 'workers/public'))}`);
    expect(text).toContain('run_worker_first = ["/v1/*", "/assets/*.wasm"]');
    expect(text).toContain('[[rules]]');
  });
});
