import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The Worker's `[assets]` directory (wrangler.toml); it also holds committed files, so it is not emptied. */
const outDir = fileURLToPath(new URL('../public/', import.meta.url));
const SERVICE_WORKER = 'sw.js';

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

/** The demo page: `npm run build` writes it into workers/public, which `wrangler dev` serves. */
export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  plugins: [offlineShell()],
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: false,
    rollupOptions: {
      input: { index: `${root}index.html`, sw: `${root}src/service-worker.ts` },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? SERVICE_WORKER : 'assets/[name]-[hash].js') },
    },
  },
});
