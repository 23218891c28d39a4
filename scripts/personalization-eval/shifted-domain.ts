/**
 * The shifted domain as data: a range of an MNIST split re-rendered in one WritingStyle.
 * Each image draws its wobble and noise from a seed derived from (domain seed, split, index),
 * so a given image always looks the same, whichever subset or order asks for it.
 */
import { PIXELS, toUnitFloat, type MnistSplit } from '../data/mnist.ts';
import { createRandom } from '../train/random.ts';
import { derivedSeed } from './derived-seed.ts';
import type { LabelledImages } from './labelled-images.ts';
import { renderInStyle } from './render-in-style.ts';
import type { WritingStyle } from './writing-style.ts';

export interface SplitRange {
  readonly split: MnistSplit;
  /** Distinguishes train from test so equal indices in the two splits get different noise. */
  readonly stream: number;
  readonly start: number;
  readonly count: number;
}

function checkRange({ split, start, count }: SplitRange): void {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > split.count) {
    throw new RangeError(`images ${start}..${start + count} are outside a split of ${split.count}`);
  }
}

export function renderShifted(range: SplitRange, style: WritingStyle, seed: number): LabelledImages {
  checkRange(range);
  const { split, stream, start, count } = range;
  const pixels = new Float32Array(count * PIXELS);
  for (let i = 0; i < count; i++) {
    const index = start + i;
    const random = createRandom(derivedSeed(seed, stream, index));
    pixels.set(renderInStyle(split.images, index * PIXELS, style, random), i * PIXELS);
  }
  return { pixels, labels: Int32Array.from(split.labels.subarray(start, start + count)), count };
}

/** The same range in the original MNIST style (for forgetting and replay). */
export function originalImages(range: SplitRange): LabelledImages {
  checkRange(range);
  const { split, start, count } = range;
  return {
    pixels: toUnitFloat(split.images.subarray(start * PIXELS, (start + count) * PIXELS)),
    labels: Int32Array.from(split.labels.subarray(start, start + count)),
    count,
  };
}
