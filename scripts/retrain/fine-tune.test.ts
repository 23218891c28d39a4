import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../test/support/tfjs-cpu-backend.ts';
import { loadMnistSplit, takeFirst, type MnistSplit } from '../data/mnist.ts';
import { loadLayersModel } from '../train/tfjs-model-files.ts';
import { useWasmBackend } from '../train/wasm-backend.ts';
import { fineTune, trainableVariables } from './fine-tune.ts';
import { DEFAULT_RETRAIN_CONFIG } from './retrain-config.ts';
import { shiftedSamples } from './shifted-samples.ts';

const SOURCE = 'models/mnist-cnn/training';
let train: MnistSplit;

beforeAll(async () => {
  await useWasmBackend();
  train = await loadMnistSplit('train');
});

/** Every weight of the model by name, as plain arrays. */
function weights(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.name, w.read().dataSync() as Float32Array]));
}

describe('fine-tuning the committed CNN', () => {
  it('picks the last Dense layer, every Dense layer, or every trainable weight', async () => {
    const model = await loadLayersModel(SOURCE);
    const names = (layers: 'head' | 'dense' | 'all') => trainableVariables(model, layers).map((v) => v.name.split('/')[0]);
    expect(new Set(names('head'))).toEqual(new Set(['classifier']));
    expect(new Set(names('dense'))).toEqual(new Set(['hidden', 'classifier']));
    expect(new Set(names('all'))).toEqual(new Set(['conv1', 'bn1', 'conv2', 'bn2', 'hidden', 'classifier']));
    model.dispose();
  });

  it('with the dense layers chosen, changes only them: convolutions, BatchNorm and its statistics stay, the teacher too', async () => {
    const model = await loadLayersModel(SOURCE);
    const teacher = await loadLayersModel(SOURCE);
    const before = weights(model);
    const samples = shiftedSamples(train, { count: 40 });
    const heldOut = shiftedSamples(train, { count: 10, offset: 40 });
    const history = fineTune(
      model,
      { samples, replay: takeFirst(train, 1000), heldOut, teacher },
      { ...DEFAULT_RETRAIN_CONFIG, epochs: 1, batchSize: 16, replayRatio: 1 },
    );
    expect(history).toHaveLength(1);
    expect(Number.isFinite(history[0]!.loss)).toBe(true);
    const after = weights(model);
    for (const [name, values] of before) {
      const changed = values.some((v, i) => v !== after.get(name)![i]);
      expect([name, changed]).toEqual([name, /^(hidden|classifier)\//.test(name)]);
    }
    // A second model loaded from the same files gets suffixed variable names; compare in order.
    const original = [...before.values()];
    [...weights(teacher).values()].forEach((values, i) => expect(values).toEqual(original[i]));
    model.dispose();
    teacher.dispose();
  });

  it('gives the same weights for the same seed', async () => {
    const run = async () => {
      const model = await loadLayersModel(SOURCE);
      const samples = shiftedSamples(train, { count: 24 });
      fineTune(model, { samples, replay: takeFirst(train, 500), heldOut: { ...samples, count: 0, images: new Uint8Array(0), labels: new Uint8Array(0) } }, {
        ...DEFAULT_RETRAIN_CONFIG,
        replayTargets: 'labels',
        epochs: 1,
        batchSize: 12,
        replayRatio: 1,
      });
      const classifier = model.getLayer('classifier').getWeights()[0]!.dataSync().slice();
      model.dispose();
      return classifier;
    };
    expect(await run()).toEqual(await run());
  });
});
