import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';

/*
 * Builds the demo page (workers/demo) with Vite into the Worker's assets directory, importing the
 * SDK as an app does (`edgetune`, this package's dist/: run after build-sdk.ts). The previous
 * build's files go first; the committed files beside them (api.html, _headers) stay.
 */
const PUBLIC = 'workers/public';
await Promise.all(['index.html', 'sw.js', 'assets'].map((name) => rm(join(PUBLIC, name), { recursive: true, force: true })));
await build({ configFile: 'workers/demo/vite.config.ts' });
