import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from './support/tfjs-cpu-backend.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type Classifier } from 'edgetune';
import { loadMnistSplit, takeFirst, toUnitFloat } from '../scripts/data/mnist.ts';
import { decodeSafetensors } from '../sdk/src/artifacts/safetensors.ts';

const MODELS_DIR = process.env.EDGETUNE_MODELS_DIR ?? 'models';
const CNN_DIR = resolve(MODELS_DIR, 'mnist-cnn');
const MLP_DIR = resolve(MODELS_DIR, 'mnist-mlp');
const WORKER_CONNECTION = Symbol.for('edgetune.workerConnection');

let images: Float32Array[];
let labels: number[];

const temporaries: string[] = [];
beforeAll(async () => {
  process.env.EDGETUNE_HEADS_DIR = await mkdtemp(join(tmpdir(), 'edgetune-heads-'));
  process.env.EDGETUNE_CACHE_DIR = await mkdtemp(join(tmpdir(), 'edgetune-cache-'));
  temporaries.push(process.env.EDGETUNE_HEADS_DIR, process.env.EDGETUNE_CACHE_DIR);
  const test = takeFirst(await loadMnistSplit('test'), 200);
  const pixels = toUnitFloat(test.images);
  images = Array.from({ length: test.count }, (_, i) => pixels.slice(i * 784, (i + 1) * 784));
  labels = Array.from(test.labels);
  await useTfjsCpuBackend();
});
afterAll(() => Promise.all(temporaries.map((dir) => rm(dir, { recursive: true, force: true }))));

/** The head's parameters after a call, decoded from exportHead(). */
async function headOf(clf: Classifier): Promise<Map<string, Float32Array>> {
  const { tensors } = decodeSafetensors(await clf.exportHead());
  return new Map([...tensors].map(([name, t]) => [name, t.data]));
}

describe('personalize in Node on the committed CNN', () => {
  let clf: Classifier;
  beforeAll(async () => {
    clf = await loadClassifier(CNN_DIR, { threads: 1 });
  });
  afterAll(() => clf.dispose());

  it('takes exactly the SGD step TF.js autodiff computes on the same head (1e-5 relative)', async () => {
    await clf.resetHead();
    const n = 16;
    const samples = images.slice(0, n).map((input, i) => ({ input, label: (labels[i]! + 1) % 10 }));
    const lr = 0.1;
    const momentum = 0.9;
    const l2Sp = 0.05;
    await clf.personalize(samples, { steps: 1, batchSize: n, learningRate: lr, momentum, l2Sp, seed: 3 });
    const updated = await headOf(clf);

    // Reference: the same features (model.onnx), the same pretrained head, one step by tf.variableGrads.
    const manifest = JSON.parse(await readFile(join(CNN_DIR, 'manifest.json'), 'utf8'));
    const session = await ort.InferenceSession.create(join(CNN_DIR, 'model.onnx'));
    const stacked = new Float32Array(n * 784);
    images.slice(0, n).forEach((img, i) => stacked.set(img, i * 784));
    const features = (await session.run({ image: new ort.Tensor('float32', stacked, [n, 1, 28, 28]) })).features!.data as Float32Array;
    const pretrained = decodeSafetensors(await readFile(join(CNN_DIR, 'head.safetensors'))).tensors;
    const names: string[] = manifest.head.parameters.map((p: { name: string }) => p.name);
    const expectedValues = tf.tidy(() => {
      const vars = names.map((name) => tf.variable(tf.tensor(pretrained.get(name)!.data, pretrained.get(name)!.shape as number[]), true, `ref_${name}`));
      const x = tf.tensor2d(features, [n, manifest.featureSize]);
      const y = tf.oneHot(tf.tensor1d(samples.map((s) => s.label), 'int32'), 10);
      const { grads } = tf.variableGrads(() => {
        let h: tf.Tensor = x;
        for (let layer = 0; layer < names.length / 2; layer++) {
          h = tf.add(tf.matMul(h as tf.Tensor2D, vars[layer * 2]! as tf.Tensor2D), vars[layer * 2 + 1]!);
          if (layer < names.length / 2 - 1) h = tf.relu(h);
        }
        // The L2-SP term is zero at the pretrained point, and so is its gradient.
        return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
      });
      const out = names.map((name, i) => tf.sub(vars[i]!, tf.mul(grads[`ref_${name}`]!, lr)).dataSync() as Float32Array);
      vars.forEach((v) => v.dispose());
      return out;
    });
    const expected = new Map(names.map((name, i) => [name, expectedValues[i]!]));
    for (const [name, want] of expected) {
      const got = updated.get(name)!;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
      expect(worst, name).toBeLessThanOrEqual(1e-5);
    }
    await session.release();
  });

  it('lowers the loss and fits a learnable set, reporting before/after accuracy and timing', async () => {
    await clf.resetHead();
    // A consistent relabelling (digit d -> 9-d): learnable by the head, wrong for the pretrained one.
    const samples = images.slice(0, 100).map((input, i) => ({ input, label: String(9 - labels[i]!) }));
    const steps: number[] = [];
    const report = await clf.personalize(samples, { steps: 60, learningRate: 0.1, onStep: (p) => steps.push(p.step) });
    expect(report.losses).toHaveLength(60);
    expect(report.losses.at(-1)!).toBeLessThan(report.losses[0]! * 0.5);
    expect(report.accuracyBefore).toBeLessThan(0.2);
    expect(report.accuracyAfter).toBeGreaterThan(0.8);
    // Several steps share one session.run (an ONNX Loop).
    expect(report.runsPerStep).toBeLessThan(0.1);
    expect(report.millisecondsPerStep).toBeGreaterThan(0);
    // classify now goes through the personalized head.
    const prediction = await clf.classify(images[0]!);
    expect(prediction.label).toBe(String(9 - labels[0]!));
    await expect.poll(() => steps.length).toBe(60);
  });

  it('saves and loads a head bit-exactly, lists and deletes it, and resets to the pretrained head', async () => {
    await clf.resetHead();
    const pretrained = await clf.exportHead();
    await clf.personalize(images.slice(0, 20).map((input, i) => ({ input, label: labels[i]! })), { steps: 5 });
    const personalized = await clf.exportHead();
    const summary = await clf.saveHead('alice');
    expect(summary).toMatchObject({ key: 'alice', model: 'mnist-cnn' });
    await clf.resetHead();
    expect(await clf.exportHead()).toEqual(pretrained);
    await clf.loadHead('alice');
    expect(await clf.exportHead()).toEqual(personalized);
    expect((await clf.listHeads()).map((h) => h.key)).toContain('alice');
    expect(await clf.deleteHead('alice')).toBe(true);
    await expect(clf.loadHead('alice')).rejects.toMatchObject({ code: 'E_HEAD_NOT_FOUND' });
  });

  it.each([
    { what: 'a label outside the model', sample: { label: 10 }, code: 'E_INPUT_RANGE', message: /samples\[1\]\.label 10/ },
    { what: 'an unknown label name', sample: { label: 'seven' }, code: 'E_INPUT_RANGE', message: /"seven" is not one of/ },
    { what: 'a non-integer label', sample: { label: 2.5 }, code: 'E_INPUT_RANGE', message: /samples\[1\]\.label 2\.5/ },
    { what: 'an input of the wrong shape', sample: { input: new Float32Array(100) }, code: 'E_INPUT_RANGE', message: /samples\[1\]/ },
  ])('refuses $what before any step, leaving the head unchanged', async ({ sample, code, message }) => {
    const before = await clf.exportHead();
    const samples = [{ input: images[0]!, label: 1 }, { input: images[1]!, label: 2, ...sample }];
    await expect(clf.personalize(samples as never)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await clf.exportHead()).toEqual(before);
  });

  it('refuses an empty set and bad options before any step', async () => {
    await expect(clf.personalize([])).rejects.toMatchObject({ name: 'RangeError', message: expect.stringMatching(/empty/) });
    await expect(clf.personalize([{ input: images[0]!, label: 1 }], { learningRate: -1 })).rejects.toMatchObject({
      code: 'E_INPUT_RANGE',
      message: expect.stringMatching(/options.learningRate/),
    });
  });

  it('rolls back to the head from before the call when training diverges', async () => {
    await clf.resetHead();
    await clf.personalize(images.slice(0, 10).map((input, i) => ({ input, label: labels[i]! })), { steps: 3 });
    const before = await clf.exportHead();
    const noisy = images.slice(0, 64).map((input, i) => ({ input, label: (i * 7) % 10 }));
    const error = await clf.personalize(noisy, { steps: 200, learningRate: 10, momentum: 0.99, l2Sp: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_TRAINING_DIVERGED', message: expect.stringMatching(/rolled back/) });
    expect(await clf.exportHead()).toEqual(before);
  });

  it('stops on abort, leaving the head unchanged', async () => {
    const before = await clf.exportHead();
    const controller = new AbortController();
    const running = clf.personalize(images.slice(0, 50).map((input, i) => ({ input, label: labels[i]! })), {
      steps: 100_000,
      signal: controller.signal,
      onStep: (p) => p.step === 10 && controller.abort(),
    });
    await expect(running).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(await clf.exportHead()).toEqual(before);
  });

  it('an abort while queued behind a classifyBatch means the call never starts: E_ABORTED, head unchanged', async () => {
    await clf.resetHead();
    const before = await clf.exportHead();
    const batch = clf.classifyBatch(Array.from({ length: 5000 }, (_, i) => images[i % images.length]!));
    const controller = new AbortController();
    const queued = clf.personalize(images.slice(0, 20).map((input, i) => ({ input, label: labels[i]! })), { steps: 50, signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ code: 'E_ABORTED' });
    await batch;
    expect(await clf.exportHead()).toEqual(before);
  });

  it('aborting a queued personalize() does not abort the one running before it', async () => {
    await clf.resetHead();
    const before = await clf.exportHead();
    const samples = images.slice(0, 32).map((input, i) => ({ input, label: labels[i]! }));
    const controller = new AbortController();
    // Aborted at the running call's first step, so the second is certainly still queued.
    const running = clf.personalize(samples, { steps: 2000, onStep: (p) => p.step === 1 && controller.abort() });
    const queued = clf.personalize(samples, { steps: 100_000, signal: controller.signal });
    await expect(running).resolves.toMatchObject({ steps: 2000 });
    await expect(queued).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(await clf.exportHead()).not.toEqual(before);
  });

  it('restores the personalized head after the worker crashes and restarts', async () => {
    await clf.resetHead();
    await clf.personalize(images.slice(0, 100).map((input, i) => ({ input, label: String(9 - labels[i]!) })), { steps: 60, learningRate: 0.1 });
    const personalized = await clf.exportHead();
    const prediction = await clf.classify(images[0]!);
    const connection = (clf as unknown as Record<symbol, { kill(): void; crashed: Promise<Error> }>)[WORKER_CONNECTION]!;
    connection.kill();
    await expect(connection.crashed).resolves.toMatchObject({ code: 'E_WORKER_CRASHED' });
    expect(await clf.classify(images[0]!)).toEqual(prediction);
    expect(await clf.exportHead()).toEqual(personalized);
    // A reset is remembered too: the next restart brings back the pretrained head.
    await clf.resetHead();
    const pretrained = await clf.exportHead();
    const second = (clf as unknown as Record<symbol, { kill(): void; crashed: Promise<Error> }>)[WORKER_CONNECTION]!;
    second.kill();
    await second.crashed;
    expect(await clf.exportHead()).toEqual(pretrained);
  });

  it('refuses a head saved for another model', async () => {
    const mlp = await loadClassifier(MLP_DIR);
    const mlpHead = await mlp.exportHead();
    await mlp.dispose();
    await expect(clf.importHead(mlpHead)).rejects.toMatchObject({ code: 'E_HEAD_MISMATCH', message: expect.stringMatching(/mnist-mlp/) });
  });
});
