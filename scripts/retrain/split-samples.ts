import { PIXELS, type MnistSplit } from '../data/mnist.ts';
import { createRandom, shuffledIndices } from '../train/random.ts';

export interface SampleSplit {
  readonly train: MnistSplit;
  readonly heldOut: MnistSplit;
}

/**
 * Splits samples into train and held-out parts label by label (each label keeps its share),
 * with a fixed seed, so the same export always splits the same way. A label with a single
 * sample goes to training.
 */
export function splitPerLabel(samples: MnistSplit, heldOutFraction: number, seed: number): SampleSplit {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) throw new RangeError(`the held-out fraction must be between 0 and 1, got ${heldOutFraction}`);
  const random = createRandom(seed);
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < samples.count; i++) {
    const label = samples.labels[i]!;
    byLabel.set(label, [...(byLabel.get(label) ?? []), i]);
  }
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const indices = byLabel.get(label)!;
    const order = shuffledIndices(indices.length, random);
    const held = indices.length < 2 ? 0 : Math.max(1, Math.round(indices.length * heldOutFraction));
    order.forEach((position, rank) => (rank < held ? heldOut : train).push(indices[position]!));
  }
  return { train: pick(samples, train.sort((a, b) => a - b)), heldOut: pick(samples, heldOut.sort((a, b) => a - b)) };
}

function pick(samples: MnistSplit, indices: readonly number[]): MnistSplit {
  const images = new Uint8Array(indices.length * PIXELS);
  indices.forEach((index, i) => images.set(samples.images.subarray(index * PIXELS, (index + 1) * PIXELS), i * PIXELS));
  return { images, labels: Uint8Array.from(indices, (index) => samples.labels[index]!), count: indices.length };
}
