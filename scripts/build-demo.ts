import { gzipSync } from 'node:zlib';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';

/*
 * Builds the demo page (workers/demo) with Vite into the Worker's assets directory, importing the
 * SDK as an app does (`edgetune`, this package's dist/: run after build-sdk.ts). The previous
 * build's files go first; the committed files beside them (api.html, _headers) stay.
 */
const PUBLIC = 'workers/public';
/** Cloudflare's limit for one static asset. */
const MAX_ASSET_BYTES = 25 * 1024 * 1024;

await Promise.all(['index.html', 'sw.js', 'assets'].map((name) => rm(join(PUBLIC, name), { recursive: true, force: true })));
await build({ configFile: 'workers/demo/vite.config.ts' });

// ONNX Runtime's WebGPU wasm (25.5 MiB) is over the limit: it is stored gzipped, and the Worker
// serves it under its own name with Content-Encoding: gzip (workers/src/routes/packed-assets.ts).
for (const name of await readdir(join(PUBLIC, 'assets'))) {
  const path = join(PUBLIC, 'assets', name);
  if ((await stat(path)).size <= MAX_ASSET_BYTES) continue;
  if (!name.endsWith('.wasm')) throw new Error(`${path} is over the 25 MiB static asset limit, and only wasm files are served packed`);
  await writeFile(`${path}.gz`, gzipSync(await readFile(path), { level: 9 }));
  await rm(path);
}
