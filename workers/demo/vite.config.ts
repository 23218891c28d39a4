import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The Worker's `[assets]` directory (wrangler.toml); it also holds committed files, so it is not emptied. */
const outDir = fileURLToPath(new URL('../public/', import.meta.url));
const SERVICE_WORKER = 'sw.js';
/** Cloudflare's limit for one static asset. */
const MAX_ASSET_BYTES = 25 * 1024 * 1024;

/**
 * Writes the list of the built files into the service worker, so it caches the page for offline
 * visits. ONNX Runtime's wasm is left out: the SDK keeps it verified in a cache of its own.
 */
function offlineShell(): Plugin {
  return {
    name: 'edgetune-demo-offline-shell',
    generateBundle(_options, bundle) {
      // The page itself ('/', written after this hook) and every built script and style.
      const built = Object.keys(bundle).filter((name) => name !== SERVICE_WORKER && name !== 'index.html' && !name.endsWith('.wasm') && !name.endsWith('.map'));
      const files = ['/', ...built.map((name) => `/${name}`).sort()];
      const worker = bundle[SERVICE_WORKER];
      if (worker?.type !== 'chunk') throw new Error(`the demo build has no ${SERVICE_WORKER} chunk`);
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      worker.code = worker.code.replace('__SHELL_FILES__', JSON.stringify(files)).replace('__SHELL_VERSION__', JSON.stringify(version));
    },
  };
}

/**
 * ONNX Runtime's WebGPU wasm (25.5 MiB) is over the static asset limit: such wasm files are stored
 * gzipped, and the Worker serves them under their own name with Content-Encoding: gzip
 * (workers/src/routes/packed-assets.ts).
 */
function packLargeWasm(): Plugin {
  return {
    name: 'edgetune-demo-pack-large-wasm',
    async writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) {
        const path = join(options.dir ?? outDir, name);
        if ((await stat(path)).size <= MAX_ASSET_BYTES) continue;
        if (!name.endsWith('.wasm')) throw new Error(`${name} is over the 25 MiB static asset limit, and only wasm files are served packed`);
        await writeFile(`${path}.gz`, gzipSync(await readFile(path), { level: 9 }));
        await rm(path);
      }
    },
  };
}

/** The demo page: `npm run build` writes it into workers/public, which `wrangler dev` serves. */
export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  plugins: [offlineShell(), packLargeWasm()],
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: false,
    rollupOptions: {
      // Packing the WebGPU wasm takes seconds on purpose; no timing report for it.
      checks: { bundlerTimings: false },
      input: { index: `${root}index.html`, sw: `${root}src/service-worker.ts` },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? SERVICE_WORKER : 'assets/[name]-[hash].js') },
    },
  },
});
