import { createRandom, shuffleInPlace } from '../../sdk/src/personalize/seeded-random.ts';

export { createRandom };

/** A shuffled 0..n-1. */
export function shuffledIndices(n: number, random: () => number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, random);
  return order;
}

/**
 * TensorFlow.js draws its unseeded randomness (weight initialisers, dropout masks) from
 * Math.random; replacing it with a seeded generator for the run makes training deterministic.
 * Returns a function that restores the original.
 */
export function seedGlobalRandom(seed: number): () => void {
  const original = Math.random;
  Math.random = createRandom(seed ^ 0x9e3779b9);
  return () => {
    Math.random = original;
  };
}
