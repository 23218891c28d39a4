import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from '../../test/support/tfjs-cpu-backend.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePersonalizeOptions } from '../../sdk/src/personalize/personalize-options.ts';
import { runPersonalization } from '../../sdk/src/personalize/run-personalization.ts';
import { buildCnn, randomImages } from '../export/test-fixtures.ts';
import { createHeadVariant, type HeadVariant } from './head-variant.ts';

let variant: HeadVariant;
beforeAll(async () => {
  await useTfjsCpuBackend();
  variant = await createHeadVariant(buildCnn(['valid', 'valid'], 3), 2);
});
afterAll(async () => {
  await variant.release();
});

describe('RecordingRunner', () => {
  it('snapshots after step n exactly the head a call of n steps returns', async () => {
    const count = 40;
    const samples = {
      features: await variant.features(randomImages(9, count), count),
      labels: Int32Array.from({ length: count }, (_, i) => i % 10),
      count,
    };
    const run = (steps: number, runner = variant.runner) =>
      runPersonalization({
        runner,
        featureSize: variant.featureSize,
        samples,
        start: variant.pretrained,
        anchors: variant.pretrained,
        options: resolvePersonalizeOptions({ steps, learningRate: 0.05, batchSize: 8, l2Sp: 0.1, seed: 4 }),
        ...(runner === variant.runner ? {} : { stepsPerRun: 1 }),
      });
    const recorder = variant.recorder.record([3, 7]);
    const long = await run(12, recorder);
    expect(recorder.stepsRun).toBe(12);
    for (const steps of [3, 7]) {
      const { parameters } = await run(steps);
      for (const [name, values] of parameters) expect(recorder.snapshots.get(steps)!.get(name)).toEqual(values);
    }
    expect(long.parameters.get('head.0.weight')).not.toEqual(recorder.snapshots.get(7)!.get('head.0.weight'));
  });
});
