import { describe, expect, it } from 'vitest';
import { IndexedDbSampleQueue } from './indexeddb-sample-queue.browser.ts';
import { SampleUploader } from './sample-uploader.ts';

function stroke(): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(28 * 28 * 4).fill(255);
  for (let y = 5; y < 23; y++) data.set([0, 0, 0], (y * 28 + 14) * 4);
  return { data, width: 28, height: 28 };
}

describe('IndexedDbSampleQueue', () => {
  it('keeps queued samples for a new uploader (as after a reload), per queue name', async () => {
    const databaseName = `edgetune-samples-test-${crypto.randomUUID()}`;
    const options = { endpoint: 'http://127.0.0.1:9', apiKey: 'et_unused', model: 'mnist-cnn', flushWhenOnline: false } as const;
    const first = new SampleUploader({ ...options, queue: new IndexedDbSampleQueue('a', { databaseName }) });
    const ids = await Promise.all(Array.from({ length: 20 }, () => first.add(stroke(), '1')));
    const reloaded = new IndexedDbSampleQueue('a', { databaseName });
    expect((await reloaded.load()).map((sample) => sample.id)).toEqual(ids);
    expect(await new IndexedDbSampleQueue('b', { databaseName }).load()).toEqual([]);
    expect(await new SampleUploader({ ...options, queue: reloaded }).pending()).toBe(20);
  });
});
