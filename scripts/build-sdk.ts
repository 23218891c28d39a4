import { build, type BuildOptions } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OrtWebPins } from '../sdk/src/engine/ort-web-files.browser.ts';

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

/**
 * The ONNX Runtime Web wasm files this build runs on, pinned by sha256 and size: the browser
 * worker verifies (and caches) the runtime it downloads against them, as it does model files.
 */
async function ortWebPins(): Promise<OrtWebPins> {
  // The files as the app's bundler resolves them: through onnxruntime-web's `exports`.
  const require = createRequire(import.meta.url);
  const pin = async (file: string) => {
    const bytes = await readFile(require.resolve(`onnxruntime-web/${file}`));
    return { file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
  };
  const packageJson = join(dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')), '..', 'package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  return { version, wasm: await pin('ort-wasm-simd-threaded.wasm'), webgpu: await pin('ort-wasm-simd-threaded.asyncify.wasm') };
}

await rm('dist', { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'sdk/src/index.node.ts', 'node-worker': 'sdk/src/worker/worker.node.ts' },
    outdir: 'dist/node',
    platform: 'node',
    target: 'node20',
    external: ['onnxruntime-node'],
  }),
  build({
    ...common,
    entryPoints: {
      index: 'sdk/src/index.browser.ts',
      'browser-worker': 'sdk/src/worker/worker.browser.ts',
      'browser-worker-wasm': 'sdk/src/worker/worker-wasm.browser.ts',
    },
    outdir: 'dist/browser',
    platform: 'browser',
    target: 'es2022',
    external: ['onnxruntime-web', 'onnxruntime-web/*'],
    define: { EDGETUNE_ORT_WEB_PINS: JSON.stringify(await ortWebPins()) },
  }),
]);

// Type declarations: the sources import siblings as './x.ts'; published declarations say './x.js'.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'sdk/tsconfig.build.json'], { stdio: 'inherit' });
for (const entry of await readdir('dist/types', { recursive: true })) {
  if (!entry.endsWith('.d.ts')) continue;
  const path = join('dist/types', entry);
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace(/((?:from |import\()['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1.js$2'));
}
