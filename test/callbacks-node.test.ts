import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type Classifier } from 'edgetune';
import { loadMnistSplit, takeFirst, toUnitFloat } from '../scripts/data/mnist.ts';

const MLP_DIR = resolve(process.env.EDGETUNE_MODELS_DIR ?? 'models', 'mnist-mlp');

// What an app's callbacks return is none of the worker's business: a progress bar's update()
// returning itself, an arrow function returning a setter, a Symbol.
const UNCLONABLE = [() => () => undefined, () => Symbol('result'), () => ({ update() {} })];

let cacheDir: string;
let digits: Float32Array[];
let labels: string[];
beforeAll(async () => {
  process.env.EDGETUNE_CACHE_DIR = cacheDir = await mkdtemp(join(tmpdir(), 'edgetune-cache-'));
  const test = takeFirst(await loadMnistSplit('test'), 8);
  const pixels = toUnitFloat(test.images);
  digits = Array.from({ length: test.count }, (_, i) => pixels.slice(i * 784, (i + 1) * 784));
  labels = Array.from(test.labels, String);
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe('callbacks that return what structured clone cannot copy', () => {
  it.each(UNCLONABLE)('onProgress returning %s leaves the load and the worker unharmed', async (onProgress) => {
    // Callback messages travel on their own channel, so they may arrive after the call's result.
    let called!: () => void;
    const progressed = new Promise<void>((resolve) => (called = resolve));
    const clf = await loadClassifier(MLP_DIR, { threads: 1, onProgress: () => (called(), onProgress()) });
    try {
      await progressed;
      expect((await clf.classifyBatch(digits)).map((p) => p.label)).toEqual(labels);
    } finally {
      await clf.dispose();
    }
  });

  describe('onStep', () => {
    let clf: Classifier;
    beforeAll(async () => {
      clf = await loadClassifier(MLP_DIR, { threads: 1 });
    });
    afterAll(() => clf.dispose());

    it.each(UNCLONABLE)('returning %s leaves personalize and the worker unharmed', async (onStep) => {
      const steps: number[] = [];
      let lastStep!: () => void;
      const finished = new Promise<void>((resolve) => (lastStep = resolve));
      const samples = digits.map((input, i) => ({ input, label: labels[i]! }));
      const onStepCalled = (p: { step: number }) => {
        steps.push(p.step);
        if (p.step === 3) lastStep();
        return onStep();
      };
      const report = await clf.personalize(samples, { steps: 3, onStep: onStepCalled });
      expect(report.steps).toBe(3);
      await finished;
      expect(steps).toEqual([1, 2, 3]);
      expect((await clf.classifyBatch(digits)).map((p) => p.label)).toEqual(labels);
    });
  });
});
