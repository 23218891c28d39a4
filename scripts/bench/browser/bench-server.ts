import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createViteServer } from 'vitest/node';
import { serveModelsPlugin } from '../../../test/support/serve-models-plugin.ts';
import { REPO_ROOT } from '../repo-root.ts';

export interface BenchServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A Vite dev server on 127.0.0.1 rooted at the repository, configured like the browser test
 * project: it serves the bench page, the SDK's dist/browser build, ONNX Runtime Web from
 * node_modules and the checkpoints at /models/. Offline; nothing leaves the machine.
 */
export async function startBenchServer(modelsDir: string): Promise<BenchServer> {
  const server = await createViteServer({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [serveModelsPlugin({ modelsDir })],
    server: {
      host: '127.0.0.1',
      port: 0,
      // Cross-origin isolation: SharedArrayBuffer, hence ONNX Runtime's threaded wasm.
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      // Others edit the repository while benches run: no reloads mid-measurement.
      hmr: false,
      watch: null,
      // node_modules may be a link to a checkout elsewhere (a git worktree sharing one install).
      fs: { allow: [REPO_ROOT, realpathSync(join(REPO_ROOT, 'node_modules'))] },
    },
    // Pre-bundling would move ORT away from the .wasm files it locates via import.meta.url.
    optimizeDeps: { exclude: ['onnxruntime-web'], noDiscovery: true, include: [] },
    worker: { format: 'es' },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null | undefined;
  if (!address || typeof address !== 'object') {
    await server.close();
    throw new Error('the bench server did not report a listening address');
  }
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
