import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const wranglerBin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');

/** Cloudflare's limits on a Worker's compressed size. */
export const PAID_PLAN_LIMIT_BYTES = 10 * 1024 * 1024;
export const FREE_PLAN_LIMIT_BYTES = 3 * 1024 * 1024;

export interface WorkerBundleSize {
  readonly files: ReadonlyArray<{ readonly file: string; readonly bytes: number; readonly gzipBytes: number }>;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** What `wrangler deploy --dry-run --outdir` would upload for `config`, raw and gzip (level 9) per file. */
export async function measureWorkerBundle(config: string): Promise<WorkerBundleSize> {
  const outDir = await mkdtemp(join(tmpdir(), 'edgetune-worker-bundle-'));
  try {
    await promisify(execFile)(process.execPath, [wranglerBin, 'deploy', '--dry-run', '--outdir', outDir, '--config', config], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', TMPDIR: outDir },
      maxBuffer: 16 * 1024 * 1024,
    });
    const files = [];
    for (const entry of await readdir(outDir, { recursive: true })) {
      const path = join(outDir, entry);
      // Not uploaded: source maps, the README wrangler writes beside the bundle, the update check's cache.
      if (!(await stat(path)).isFile() || entry.endsWith('.map') || entry === 'README.md' || entry.startsWith('update-check')) continue;
      const bytes = await readFile(path);
      files.push({ file: relative(outDir, path), bytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 9 }).byteLength });
    }
    files.sort((a, b) => b.bytes - a.bytes);
    return { files, bytes: files.reduce((sum, f) => sum + f.bytes, 0), gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
