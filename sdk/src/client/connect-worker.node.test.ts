import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeWorker } from './connect-worker.node.ts';
import type { WorkerConnection } from './worker-connection.ts';

/** The calls of the test worker (worker/test-nesting-worker.node.ts). */
interface NestingApi {
  nested(depth: number): Promise<unknown>;
  receive(value: unknown): Promise<string>;
}

let directory: string;
let script: URL;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'edgetune-worker-'));
  const outfile = join(directory, 'nesting-worker.mjs');
  await build({ entryPoints: [join(import.meta.dirname, '../worker/test-nesting-worker.node.ts')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
  script = pathToFileURL(outfile);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

function nestedArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

async function withWorker(run: (connection: WorkerConnection, api: NestingApi) => Promise<void>, resourceLimits?: { stackSizeMb: number }) {
  const connection = startNodeWorker(script, resourceLimits);
  try {
    await run(connection, connection.api as unknown as NestingApi);
  } finally {
    await connection.terminate();
  }
}

describe('a Node worker connection when a message cannot be deserialized', () => {
  it('fails the pending call with E_WORKER_MESSAGE when a reply is too deep for this thread, and keeps working', async () => {
    await withWorker(async (connection, api) => {
      // The worker's larger stack serializes 6,000 levels; this thread's deserializer cannot.
      await expect(connection.guard(api.nested(6000))).rejects.toMatchObject({ code: 'E_WORKER_MESSAGE' });
      await expect(connection.guard(api.nested(3))).resolves.toEqual([[[[]]]]);
    });
  });

  it('fails the pending call with E_WORKER_MESSAGE when the worker cannot read a request', async () => {
    await withWorker(
      async (connection, api) => {
        await expect(connection.guard(api.receive(nestedArray(2000)))).rejects.toMatchObject({ code: 'E_WORKER_MESSAGE' });
        await expect(connection.guard(api.receive(1))).resolves.toBe('received');
      },
      // A small stack, so the request this thread can send is too deep for the worker to read.
      { stackSizeMb: 0.5 },
    );
  });

  it('fails calls still pending at terminate() with E_DISPOSED', async () => {
    const connection = startNodeWorker(script);
    const api = connection.api as unknown as NestingApi;
    // terminate() fails it at once, before this thread could read any reply.
    const pending = connection.guard(api.receive(1)).catch((error: unknown) => error);
    await connection.terminate();
    expect(await pending).toMatchObject({ code: 'E_DISPOSED' });
  });
});
