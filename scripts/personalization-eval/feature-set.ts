/** Backbone features of labelled images, the form runPersonalization and the head consume. */
import type { TrainingSet } from '../../sdk/src/personalize/run-personalization.ts';
import type { HeadVariant } from './head-variant.ts';
import type { LabelledImages } from './labelled-images.ts';

export type FeatureSet = TrainingSet;

/** Features are computed once per image and K: the backbone is frozen, only the head changes. */
export async function featuresOf(variant: HeadVariant, images: LabelledImages): Promise<FeatureSet> {
  return { features: await variant.features(images.pixels, images.count), labels: images.labels, count: images.count };
}

/** The rows at `indices`, copied (runPersonalization reads them many times). */
export function selectRows(set: FeatureSet, indices: ArrayLike<number>, featureSize: number): FeatureSet {
  const features = new Float32Array(indices.length * featureSize);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    features.set(set.features.subarray(row * featureSize, (row + 1) * featureSize), i * featureSize);
    labels[i] = set.labels[row]!;
  }
  return { features, labels, count: indices.length };
}

/** Several feature sets as one (a personalization pool of samples plus replay, say). */
export function concatSets(sets: readonly FeatureSet[]): FeatureSet {
  const count = sets.reduce((n, s) => n + s.count, 0);
  const features = new Float32Array(sets.reduce((n, s) => n + s.features.length, 0));
  const labels = new Int32Array(count);
  let row = 0;
  let offset = 0;
  for (const s of sets) {
    features.set(s.features, offset);
    labels.set(s.labels, row);
    offset += s.features.length;
    row += s.count;
  }
  return { features, labels, count };
}
