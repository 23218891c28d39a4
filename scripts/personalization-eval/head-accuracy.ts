import type { HeadParameters } from '../../sdk/src/personalize/head-parameters.ts';
import type { HeadRunner } from '../../sdk/src/personalize/head-runner.ts';
import type { FeatureSet } from './feature-set.ts';

/** Rows per head.onnx run: bounds the input tensor (~2.5 MB for 640 features). */
const CHUNK = 1000;

/** Top-1 accuracy of a head on precomputed features, run through head.onnx as the SDK's classify does. */
export async function headAccuracy(runner: HeadRunner, set: FeatureSet, parameters: HeadParameters, featureSize: number): Promise<number> {
  let correct = 0;
  for (let start = 0; start < set.count; start += CHUNK) {
    const n = Math.min(CHUNK, set.count - start);
    const probs = await runner.probabilities(set.features.subarray(start * featureSize, (start + n) * featureSize), n, parameters);
    const classes = probs.length / n;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
      if (best === set.labels[start + i]) correct++;
    }
  }
  return correct / set.count;
}
