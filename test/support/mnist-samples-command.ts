import type { BrowserCommand } from 'vitest/node';
import { loadMnistSplit, PIXELS, type MnistSplit } from '../../scripts/data/mnist.ts';

/** Real MNIST test images handed to browser tests; plain arrays because commands travel as JSON. */
export interface MnistSamples {
  readonly count: number;
  /** `count * 784` pixels, 0-255, row-major 28x28, white digit on black. */
  readonly pixels: number[];
  readonly labels: number[];
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Reads `count` images of MNIST's t10k split, starting at `offset`, on the Node side. */
    mnistTestSamples: (count: number, offset?: number) => Promise<MnistSamples>;
  }
}

const MAX_SAMPLES = 256;
let testSplit: Promise<MnistSplit> | undefined;

export const mnistTestSamples: BrowserCommand<[count: number, offset?: number], MnistSamples> = async (_context, count, offset = 0) => {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLES) {
    throw new RangeError(`mnistTestSamples: count must be an integer in 1..${MAX_SAMPLES}, got ${count}`);
  }
  testSplit ??= loadMnistSplit('test');
  const split = await testSplit;
  if (!Number.isInteger(offset) || offset < 0 || offset + count > split.count) {
    throw new RangeError(`mnistTestSamples: offset ${offset} + count ${count} exceeds the ${split.count} test images`);
  }
  return {
    count,
    pixels: Array.from(split.images.subarray(offset * PIXELS, (offset + count) * PIXELS)),
    labels: Array.from(split.labels.subarray(offset, offset + count)),
  };
};
