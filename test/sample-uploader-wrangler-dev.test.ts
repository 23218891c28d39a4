import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../scripts/edge/app-keys.ts';
import { freePort } from '../scripts/edge/free-port.ts';
import { publishLocally } from '../scripts/edge/publish-local.ts';
import { applyMigrations } from '../scripts/edge/samples-db.ts';
import { startWranglerDev, type WranglerDev } from '../scripts/edge/wrangler-dev.ts';
import { FileSampleQueue } from '../sdk/src/samples/file-sample-queue.node.ts';
import { SampleUploader } from '../sdk/src/samples/sample-uploader.ts';

/*
 * The SampleUploader in Node against a real `wrangler dev` (workerd, local D1 on disk) that this
 * test starts, SIGKILLs in the middle of a flush, and starts again on the same state.
 */
const ADMIN_KEY = 'uploader-test-admin';
const COUNT = 5000;
let stateDir: string;
let port: number;
let dev: WranglerDev | undefined;
let key: string;

const start = async () => (dev = await startWranglerDev({ port, stateDir, stdio: 'pipe', vars: { ADMIN_KEY } }));

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'edgetune-samples-'));
  await publishLocally('models', ['mnist-cnn'], stateDir);
  await applyMigrations({ remote: false, stateDir });
  key = (await createApp({ remote: false, stateDir }, 'uploader test')).key;
  port = await freePort();
  await start();
}, 600_000);

afterAll(async () => {
  await dev?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

/** Every stored id of mnist-cnn, through the admin export, page by page. */
async function exportedIds(url: string): Promise<string[]> {
  const ids: string[] = [];
  for (let after = 0; ; ) {
    const response = await fetch(`${url}/v1/samples/export?model=mnist-cnn&after=${after}`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    expect(response.status).toBe(200);
    const lines = (await response.text()).split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as { id: string; seq: number });
    if (lines.length === 0) return ids;
    ids.push(...lines.map((line) => line.id));
    after = lines.at(-1)!.seq;
  }
}

function digit(n: number): Uint8Array {
  const pixels = new Uint8Array(784);
  for (let i = 0; i < 784; i++) pixels[i] = (i * 7 + n * 13) % 251;
  return pixels;
}

describe('SampleUploader against wrangler dev', () => {
  it('flushes 5,000 samples across a SIGKILL of the server: exactly the original ids are stored, none lost or doubled', async () => {
    const queueFile = join(stateDir, 'uploader-queue.json');
    const options = { endpoint: dev!.url, apiKey: key, model: 'mnist-cnn', maxAttempts: 3, backoffMs: 50 } as const;
    const uploader = new SampleUploader({ ...options, queue: new FileSampleQueue(queueFile) });
    const ids = await Promise.all(Array.from({ length: COUNT }, (_, i) => uploader.add(digit(i), String(i % 10))));
    expect(await uploader.pending()).toBe(COUNT);

    // Kill the server (wrangler and workerd, SIGKILL) once a few batches went through.
    let batches = 0;
    let killed: Promise<void> | undefined;
    uploader.addEventListener('sent', () => {
      if (++batches === 4) {
        const server = dev!;
        process.kill(-server.child.pid!, 'SIGKILL');
        killed = server.exited.then(() => undefined);
      }
    });
    await expect(uploader.flush()).rejects.toMatchObject({ code: 'E_FETCH_FAILED' });
    await killed;
    const left = await uploader.pending();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(COUNT);

    // The app restarts too: a new uploader over the same queue file, the server on the same state.
    await start();
    const restarted = new SampleUploader({ ...options, queue: new FileSampleQueue(queueFile) });
    expect(await restarted.pending()).toBe(left);
    const report = await restarted.flush();
    expect(await restarted.pending()).toBe(0);
    expect(report.rejected).toBe(0);

    const stored = await exportedIds(dev!.url);
    expect(stored.length).toBe(COUNT);
    expect([...stored].sort()).toEqual([...ids].sort());
  }, 900_000);
});
