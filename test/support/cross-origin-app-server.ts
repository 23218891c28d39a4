import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const APP_ROOT = fileURLToPath(new URL('./cross-origin-app/', import.meta.url));
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export interface AppServer {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Builds a test app (a directory with index.html) for production with Vite into `outDir`, as an
 * app gets the SDK: `edgetune` resolves to this package's dist/ through its exports map.
 */
export async function buildTestApp(root: string, outDir: string): Promise<void> {
  await build({ configFile: false, root, logLevel: 'warn', build: { outDir, emptyOutDir: true }, worker: { format: 'es' } });
}

/**
 * Builds the cross-origin app and serves it as static files on 127.0.0.1, crossOriginIsolated.
 * It serves no models: the page takes them from the edge's origin.
 */
export async function startCrossOriginApp(outDir: string): Promise<AppServer> {
  await buildTestApp(APP_ROOT, outDir);
  const server = await preview({
    configFile: false,
    root: APP_ROOT,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, headers: ISOLATION_HEADERS },
  });
  const address = server.httpServer.address() as AddressInfo | null;
  if (!address || typeof address !== 'object') {
    await server.close();
    throw new Error('the cross-origin app server did not report a listening address');
  }
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
