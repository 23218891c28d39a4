import { build, type BuildOptions } from 'esbuild';
import { rm } from 'node:fs/promises';

/*
 * Builds the npm package: an ESM build per platform, each with its worker entry beside it so
 * `new URL('./<worker>.js', import.meta.url)` resolves. ONNX Runtime stays external: the app's
 * bundler (browser) or node_modules (Node) provides it.
 */

const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
};

await rm('dist', { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'sdk/src/index.node.ts', 'node-worker': 'sdk/src/worker/node-worker.ts' },
    outdir: 'dist/node',
    platform: 'node',
    target: 'node20',
    external: ['onnxruntime-node'],
  }),
  build({
    ...common,
    entryPoints: { index: 'sdk/src/index.browser.ts', 'browser-worker': 'sdk/src/worker/browser-worker.ts' },
    outdir: 'dist/browser',
    platform: 'browser',
    target: 'es2022',
    external: ['onnxruntime-web', 'onnxruntime-web/*'],
  }),
]);
