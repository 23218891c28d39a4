import { loadMnistSplit, PIXELS, takeFirst, toUnitFloat } from '../data/mnist.ts';

/** The first `count` MNIST test images, as every contender receives them. */
export interface BenchImages {
  readonly count: number;
  /** `count * 784` floats in [0,1]: the [N,1,28,28] tensor (NCHW and NHWC agree when C = 1). */
  readonly pixels: Float32Array;
  /** One 784-float view per image, the form the SDK's classifyBatch takes. */
  readonly images: readonly Float32Array[];
  /** The raw 0-255 bytes, for handing to the browser as JSON. */
  readonly bytes: Uint8Array;
  readonly labels: Uint8Array;
}

export async function loadBenchImages(count: number): Promise<BenchImages> {
  const split = takeFirst(await loadMnistSplit('test'), count);
  const pixels = toUnitFloat(split.images);
  const images = Array.from({ length: split.count }, (_, i) => pixels.subarray(i * PIXELS, (i + 1) * PIXELS));
  return { count: split.count, pixels, images, bytes: split.images, labels: split.labels };
}
