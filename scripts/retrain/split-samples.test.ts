import { describe, expect, it } from 'vitest';
import { PIXELS } from '../data/mnist.ts';
import { splitPerLabel } from './split-samples.ts';

function samples(labels: number[]) {
  const images = new Uint8Array(labels.length * PIXELS);
  labels.forEach((_, i) => images.fill(i % 256, i * PIXELS, (i + 1) * PIXELS));
  return { images, labels: Uint8Array.from(labels), count: labels.length };
}

describe('splitting samples per label', () => {
  const set = samples(Array.from({ length: 200 }, (_, i) => (i < 150 ? i % 3 : 9)));

  it('holds out the same share of every label, and each sample lands in exactly one part with its image', () => {
    const { train, heldOut } = splitPerLabel(set, 0.3, 1);
    expect(train.count + heldOut.count).toBe(200);
    for (const label of [0, 1, 2, 9]) {
      const all = set.labels.filter((l) => l === label).length;
      expect(heldOut.labels.filter((l) => l === label).length).toBe(Math.round(all * 0.3));
    }
    const firstPixels = (part: typeof train) => Array.from({ length: part.count }, (_, i) => part.images[i * PIXELS]);
    expect([...firstPixels(train), ...firstPixels(heldOut)].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 200 }, (_, i) => i % 256).sort((a, b) => a - b));
  });

  it('is the same for the same seed and differs for another', () => {
    const a = splitPerLabel(set, 0.3, 1).heldOut.images;
    expect(splitPerLabel(set, 0.3, 1).heldOut.images).toEqual(a);
    expect(splitPerLabel(set, 0.3, 2).heldOut.images).not.toEqual(a);
  });

  it('keeps a label seen once for training', () => {
    const { train, heldOut } = splitPerLabel(samples([4, 5, 5, 5]), 0.3, 1);
    expect([...train.labels].sort()).toEqual([4, 5, 5]);
    expect([...heldOut.labels]).toEqual([5]);
  });
});
