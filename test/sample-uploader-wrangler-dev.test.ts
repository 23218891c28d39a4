import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSampleQueue } from '../sdk/src/samples/file-sample-queue.node.ts';
import { SampleUploader } from '../sdk/src/samples/sample-uploader.ts';
import { exportedSampleIds, startSamplesEdge, type SamplesEdge } from './support/samples-edge.ts';

/*
 * The SampleUploader in Node against a real `wrangler dev` (workerd, local D1 on disk) that this
 * test starts, SIGKILLs in the middle of a flush, and starts again on the same state.
 */
const COUNT = 5000;
let edge: SamplesEdge;

beforeAll(async () => {
  edge = await startSamplesEdge();
}, 600_000);

afterAll(async () => {
  await edge?.close();
});

function digit(n: number): Uint8Array {
  const pixels = new Uint8Array(784);
  for (let i = 0; i < 784; i++) pixels[i] = (i * 7 + n * 13) % 251;
  return pixels;
}

describe('SampleUploader against wrangler dev', () => {
  it('flushes 5,000 samples across a SIGKILL of the server: exactly the original ids are stored, none lost or doubled', async () => {
    const queueFile = join(edge.stateDir, 'uploader-queue.json');
    const options = { endpoint: edge.dev!.url, apiKey: edge.key, model: 'mnist-cnn', maxAttempts: 3, backoffMs: 50 } as const;
    const uploader = new SampleUploader({ ...options, queue: new FileSampleQueue(queueFile) });
    const ids = await Promise.all(Array.from({ length: COUNT }, (_, i) => uploader.add(digit(i), String(i % 10))));
    expect(await uploader.pending()).toBe(COUNT);

    // Kill the server (wrangler and workerd, SIGKILL) once a few batches went through.
    let batches = 0;
    let killed: Promise<void> | undefined;
    uploader.addEventListener('sent', () => {
      if (++batches === 4) {
        const server = edge.dev!;
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
    await edge.start();
    const restarted = new SampleUploader({ ...options, queue: new FileSampleQueue(queueFile) });
    expect(await restarted.pending()).toBe(left);
    const report = await restarted.flush();
    expect(await restarted.pending()).toBe(0);
    expect(report.rejected).toBe(0);

    const stored = await exportedSampleIds(edge.dev!.url);
    expect(stored.length).toBe(COUNT);
    expect([...stored].sort()).toEqual([...ids].sort());
  }, 900_000);
});
