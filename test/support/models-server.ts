import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { sendJsonError } from './http-replies.ts';
import { modelsMiddleware } from './serve-models-plugin.ts';

export interface ModelsServer {
  /** e.g. http://127.0.0.1:PORT — checkpoints at /models/<name>/, faults at /models-faults/<mode>/<name>/. */
  readonly origin: string;
  /** Requests served so far, by path. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves a models directory on 127.0.0.1 (a random port) for Node tests of remote loading. */
export async function startModelsServer(modelsDir = process.env.EDGETUNE_MODELS_DIR ?? 'models'): Promise<ModelsServer> {
  const handler = modelsMiddleware(resolve(modelsDir));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://localhost').pathname);
    handler(req, res, () => sendJsonError(res, 404, 'E_NOT_FOUND', `${req.url} is not served here`));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
