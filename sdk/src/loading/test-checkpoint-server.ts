/** Node test helpers: a test checkpoint written to disk and served over HTTP. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCheckpoint, type TestCheckpoint } from './test-checkpoint.ts';

export async function writeCheckpoint(directory: string, checkpoint: TestCheckpoint): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'manifest.json'), JSON.stringify(checkpoint.manifest, null, 2));
  for (const [name, bytes] of Object.entries(checkpoint.files)) await writeFile(join(directory, name), bytes);
}

/**
 * - `truncate`: announces the full Content-Length, sends half, then drops the connection.
 * - `short`: no Content-Length (chunked), sends half and ends the response normally.
 * - `error`: answers HTTP 500.
 */
/** 'stall': never answers; 'stall-body': sends the headers and half the body, then nothing. */
export type Fault = 'truncate' | 'short' | 'error' | 'unavailable' | 'rate-limited' | 'stall' | 'stall-body';

export interface CheckpointServer {
  /** http://127.0.0.1:<port>/ */
  readonly url: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  /** Faults by request path, e.g. '/mnist/model.onnx'. */
  readonly faults: Map<string, Fault>;
  /** 302 redirects by request path, e.g. '/latest/manifest.json' -> '/mnist/manifest.json'. */
  readonly redirects: Map<string, string>;
  /** Stops listening and drops open connections: later requests fail as if offline. */
  close(): Promise<void>;
}

/** Serves the files under `root` over HTTP on 127.0.0.1, in 16 KiB writes so downloads stream. */
export async function startCheckpointServer(root: string): Promise<CheckpointServer> {
  const requests: string[] = [];
  const faults = new Map<string, Fault>();
  const redirects = new Map<string, string>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    void respond(path).catch(() => response.destroy());

    async function respond(path: string): Promise<void> {
      const location = redirects.get(path);
      if (location !== undefined) return void response.writeHead(302, { location }).end();
      const fault = faults.get(path);
      if (fault === 'error') return void response.writeHead(500).end('boom');
      if (fault === 'unavailable') return void response.writeHead(503).end('down for maintenance');
      if (fault === 'rate-limited') return void response.writeHead(429).end('slow down');
      if (fault === 'stall') return;
      let bytes: Buffer;
      try {
        bytes = await readFile(join(root, path));
      } catch {
        return void response.writeHead(404).end('not found');
      }
      if (fault === 'short') {
        response.writeHead(200);
        return void response.end(bytes.subarray(0, bytes.length >> 1));
      }
      response.writeHead(200, { 'content-length': bytes.length });
      if (fault === 'stall-body') return void response.write(bytes.subarray(0, bytes.length >> 1));
      const end = fault === 'truncate' ? bytes.length >> 1 : bytes.length;
      for (let offset = 0; offset < end; offset += 16_384) response.write(bytes.subarray(offset, Math.min(end, offset + 16_384)));
      if (fault === 'truncate') response.socket?.destroySoon();
      else response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    faults,
    redirects,
    // Idempotent: tests close the server to go offline, and afterEach closes it again.
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}


export interface ServedTestCheckpoint {
  /** The temporary directory served; the checkpoint is in `<root>/mnist/`. */
  readonly root: string;
  readonly server: CheckpointServer;
  readonly checkpoint: TestCheckpoint;
  readonly manifestUrl: string;
  /** Stops the server and removes the directory. */
  dispose(): Promise<void>;
}

/** A fresh version 1.0.0 test checkpoint in a temporary directory, served over HTTP. */
export async function serveTestCheckpoint(prefix: string): Promise<ServedTestCheckpoint> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const checkpoint = await makeCheckpoint('1.0.0');
  await writeCheckpoint(join(root, 'mnist'), checkpoint);
  const server = await startCheckpointServer(root);
  return {
    root,
    server,
    checkpoint,
    manifestUrl: `${server.url}mnist/manifest.json`,
    dispose: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
