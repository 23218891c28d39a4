import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve, sep } from 'node:path';
import type { Plugin } from 'vitest/config';
import { sendJsonError, sendModelFile } from './http-replies.ts';
import { readModelFile } from './model-file.ts';
import { FAULT_MODES, isFaultMode, sendFaultyModelFile } from './model-faults.ts';

export interface ServeModelsOptions {
  /** Checkpoint directory (`<name>/<file>` inside), relative to the Vite root. */
  readonly modelsDir: string;
}

export const MODELS_ROUTE = '/models/';
export const MODEL_FAULTS_ROUTE = '/models-faults/';

/**
 * Serves checkpoints to browser tests at /models/<name>/<file>, and the same files
 * broken on purpose at /models-faults/<mode>/<name>/<file> (modes: see FAULT_MODES).
 */
export function serveModelsPlugin(options: ServeModelsOptions): Plugin {
  let root = '';
  return {
    name: 'edgetune:serve-models',
    configResolved(config) {
      root = resolve(config.root, options.modelsDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => modelsMiddleware(root)(req, res, next));
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => modelsMiddleware(root)(req, res, next));
    },
  };
}

/** The same routes as connect-style middleware, for a plain node:http server in Node tests. */
export function modelsMiddleware(root: string) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(MODELS_ROUTE) && !url.pathname.startsWith(MODEL_FAULTS_ROUTE)) return next();
    handle(root, url, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJsonError(res, 500, 'E_INTERNAL', error instanceof Error ? error.message : String(error));
    });
  };
}

async function handle(root: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJsonError(res, 405, 'E_METHOD', `${req.method} is not allowed; use GET or HEAD`);
    return;
  }
  const faulty = url.pathname.startsWith(MODEL_FAULTS_ROUTE);
  const rest = url.pathname.slice((faulty ? MODEL_FAULTS_ROUTE : MODELS_ROUTE).length);
  const [mode, relative] = faulty ? splitFirst(rest) : [undefined, rest];
  if (mode !== undefined && !isFaultMode(mode)) {
    sendJsonError(res, 400, 'E_FAULT_MODE', `unknown fault mode "${mode}"; expected one of: ${Object.keys(FAULT_MODES).join(', ')}`);
    return;
  }
  const path = resolve(root, decodeURIComponent(relative));
  // Refuse anything that resolves outside the models directory (e.g. %2e%2e segments).
  const file = path.startsWith(root + sep) ? await readModelFile(path) : undefined;
  if (!file) {
    sendJsonError(res, 404, 'E_NOT_FOUND', `no model file at ${url.pathname}`);
    return;
  }
  if (mode === undefined) sendModelFile(req, res, file);
  else await sendFaultyModelFile(res, file, mode, Number(url.searchParams.get('delayMs') ?? Number.NaN));
}

function splitFirst(path: string): [string, string] {
  const slash = path.indexOf('/');
  return slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash + 1)];
}
