import { createRandom, shuffledIndices } from '../train/random.ts';

/**
 * `perClass` row indices of every class 0..classes-1, drawn without replacement for a seed.
 * For one seed the draws are nested (the 5 samples of a class are among its 10), so a change
 * across k is more samples, not a luckier draw.
 */
export function drawPerClass(labels: ArrayLike<number>, perClass: number, seed: number, classes = 10): Uint32Array {
  const order = shuffledIndices(labels.length, createRandom(seed));
  const taken = new Array<number>(classes).fill(0);
  const picked: number[] = [];
  for (const index of order) {
    const label = labels[index]!;
    if (taken[label]! < perClass) {
      taken[label]!++;
      picked.push(index);
    }
  }
  const short = taken.findIndex((n) => n < perClass);
  if (short >= 0) throw new RangeError(`only ${taken[short]} images of class ${short} to draw ${perClass} from; use a larger pool`);
  return Uint32Array.from(picked);
}
