import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { serveModelsPlugin } from '../../../test/support/serve-models-plugin.ts';
import { REPO_ROOT } from '../repo-root.ts';
import type { BenchServer } from './bench-server.ts';

const APP_ROOT = join(REPO_ROOT, 'scripts/bench/browser/cold-start-app');
/** .cache/ is git-ignored. */
const OUT_DIR = join(REPO_ROOT, '.cache/bench-cold-start-app');
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export interface ColdStartAppOptions {
  readonly outDir?: string;
  /** Vite's `worker.format`. Unset, as in a fresh Vite app: 'iife', which inlines ORT into the SDK's worker chunk. */
  readonly workerFormat?: 'es' | 'iife';
}

/**
 * Builds the cold-start app for production with Vite (`edgetune` resolves to this package's
 * dist/ through its exports map, as in an app that installed it) and serves the output as static
 * files on 127.0.0.1, cross-origin isolated, with the checkpoints at /models/.
 */
export async function startColdStartServer(modelsDir: string, options: ColdStartAppOptions = {}): Promise<BenchServer> {
  const outDir = options.outDir ?? OUT_DIR;
  const plugins = [serveModelsPlugin({ modelsDir: resolve(REPO_ROOT, modelsDir) })];
  await build({
    configFile: false,
    root: APP_ROOT,
    logLevel: 'warn',
    plugins,
    build: { outDir, emptyOutDir: true },
    ...(options.workerFormat ? { worker: { format: options.workerFormat } } : {}),
  });
  const server = await preview({
    configFile: false,
    root: APP_ROOT,
    logLevel: 'warn',
    plugins,
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, headers: ISOLATION_HEADERS },
  });
  const address = server.httpServer.address() as AddressInfo | null;
  if (!address || typeof address !== 'object') {
    await server.close();
    throw new Error('the cold-start server did not report a listening address');
  }
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
