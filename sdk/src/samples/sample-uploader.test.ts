import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toModelInput } from '../input/to-model-input.ts';
import { FileSampleQueue } from './file-sample-queue.node.ts';
import { MemorySampleQueue } from './sample-queue.ts';
import { SampleUploader } from './sample-uploader.ts';

const options = { endpoint: 'http://127.0.0.1:9', apiKey: 'et_unused', model: 'mnist-cnn' } as const;
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function drawing(): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(56 * 56 * 4).fill(255);
  for (let y = 10; y < 46; y++) for (let x = 24; x < 32; x++) data.set([0, 0, 0], (y * 56 + x) * 4);
  return { data, width: 56, height: 56 };
}

describe('SampleUploader.add', () => {
  it('queues the input prepared exactly as classify prepares it, under a fresh UUID', async () => {
    const queue = new MemorySampleQueue();
    const uploader = new SampleUploader({ ...options, queue });
    const [a, b] = [await uploader.add(drawing(), '1', { user: 'u1' }), await uploader.add(drawing(), '1')];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
    const [stored] = await queue.load();
    const pixels = Uint8Array.from(atob(stored!.pixels), (c) => c.charCodeAt(0));
    const expected = Array.from(toModelInput(drawing()), (v) => Math.round(v * 255));
    expect(Array.from(pixels)).toEqual(expected);
    expect(stored).toMatchObject({ id: a, model: 'mnist-cnn', label: '1', user: 'u1' });
  });

  it('fails with E_QUEUE_FULL when the queue is full, and keeps every queued sample', async () => {
    const uploader = new SampleUploader({ ...options, maxQueued: 3 });
    for (let i = 0; i < 3; i++) await uploader.add(drawing(), '1');
    await expect(uploader.add(drawing(), '1')).rejects.toMatchObject({ code: 'E_QUEUE_FULL' });
    expect(await uploader.pending()).toBe(3);
  });

  it('refuses a bad input or label with a coded error before queueing', async () => {
    const uploader = new SampleUploader(options);
    expect(() => uploader.add(new Uint8Array(10), '1')).toThrow(expect.objectContaining({ code: 'E_INPUT_RANGE' }));
    expect(() => uploader.add(drawing(), '')).toThrow(expect.objectContaining({ code: 'E_INPUT_TYPE' }));
    expect(await uploader.pending()).toBe(0);
  });

  it('persists the queue in a file that a new uploader reads back, leaving no temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgetune-queue-'));
    dirs.push(dir);
    const path = join(dir, 'queue.json');
    const first = new SampleUploader({ ...options, queue: new FileSampleQueue(path) });
    const ids = await Promise.all(Array.from({ length: 50 }, () => first.add(drawing(), '7')));
    const second = new SampleUploader({ ...options, queue: new FileSampleQueue(path) });
    expect(await second.pending()).toBe(50);
    expect((await new FileSampleQueue(path).load()).map((s) => s.id)).toEqual(ids);
    expect(await readdir(dir)).toEqual(['queue.json']);
  });
});
