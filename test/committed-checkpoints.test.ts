import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from './support/tfjs-cpu-backend.ts';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, takeFirst, toUnitFloat } from '../scripts/data/mnist.ts';
import { evaluateOnnxModel } from '../scripts/evaluate/evaluate-onnx.ts';
import { compareOnnxWithTfjs } from '../scripts/export/parity.ts';
import { loadLayersModel } from '../scripts/train/tfjs-model-files.ts';
import { CHECKPOINT_FILES, parseManifest, type Manifest } from '../sdk/src/artifacts/manifest.ts';
import { decodeSafetensors } from '../sdk/src/artifacts/safetensors.ts';

/** The committed checkpoints and the MNIST test accuracy each must reach (LeNet-5: 99.05%, 784-800-10 MLP: 98.4%). */
const CHECKPOINTS = [
  { name: 'mnist-cnn', minAccuracy: 0.994 },
  { name: 'mnist-mlp', minAccuracy: 0.985 },
];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  await useTfjsCpuBackend();
});

describe.each(CHECKPOINTS)('committed checkpoint models/$name', ({ name, minAccuracy }) => {
  const dir = join('models', name);
  let manifest: Manifest;
  let modelOnnx: Uint8Array;
  let images: Float32Array;

  beforeAll(async () => {
    manifest = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    modelOnnx = await readFile(join(dir, 'model.onnx'));
    images = toUnitFloat(takeFirst(await loadMnistSplit('test'), 1000).images);
  });

  it('lists every file with its sha256 and size', async () => {
    expect(Object.keys(manifest.files).sort()).toEqual([...CHECKPOINT_FILES].sort());
    for (const file of CHECKPOINT_FILES) {
      const bytes = await readFile(join(dir, file));
      expect(manifest.files[file], file).toEqual({ sha256: sha256(bytes), bytes: bytes.length });
    }
  });

  it(`reaches ${(minAccuracy * 100).toFixed(1)}% on the 10,000 MNIST test images, as its manifest records`, async () => {
    const measured = await evaluateOnnxModel(modelOnnx);
    expect(measured.total).toBe(10_000);
    expect(measured.value).toBeGreaterThanOrEqual(minAccuracy);
    expect(manifest.testAccuracy).toMatchObject({ value: measured.value, correct: measured.correct, total: 10_000, file: 'model.onnx' });
  });

  it('model.onnx agrees with the TensorFlow.js model it was exported from on 1,000 test images', async () => {
    const model = await loadLayersModel(join(dir, 'training'));
    const report = await compareOnnxWithTfjs(model, modelOnnx, images, { headLayers: manifest.head.layers });
    model.dispose();
    expect(report.count).toBe(1000);
    expect(report.maxAbsProbsDiff).toBeLessThanOrEqual(1e-4);
    expect(report.argmaxMismatches).toBe(0);
    expect(report.maxAbsFeaturesDiff!).toBeLessThanOrEqual(1e-4);
  });

  it('head.onnx fed the pretrained head.safetensors reproduces model.onnx', async () => {
    const model = await ort.InferenceSession.create(modelOnnx);
    const head = await ort.InferenceSession.create(await readFile(join(dir, 'head.onnx')));
    const parameters = decodeSafetensors(await readFile(join(dir, 'head.safetensors'))).tensors;
    const out = await model.run({ image: new ort.Tensor('float32', images, [1000, 1, 28, 28]) });
    const feeds: Record<string, ort.Tensor> = { features: out.features! };
    for (const { name: param, shape } of manifest.head.parameters) {
      const tensor = parameters.get(param);
      expect(tensor?.shape, param).toEqual(shape);
      feeds[param] = new ort.Tensor('float32', tensor!.data, shape as number[]);
    }
    const headProbs = (await head.run(feeds)).probs!.data as Float32Array;
    const modelProbs = out.probs!.data as Float32Array;
    let max = 0;
    for (let i = 0; i < modelProbs.length; i++) max = Math.max(max, Math.abs(modelProbs[i]! - headProbs[i]!));
    expect(max).toBeLessThanOrEqual(1e-5);
  });

  it('train-step.onnx lowers the loss on real features, one step per run or ten in one run', async () => {
    const model = await ort.InferenceSession.create(modelOnnx);
    const step = await ort.InferenceSession.create(await readFile(join(dir, 'train-step.onnx')));
    const parameters = decodeSafetensors(await readFile(join(dir, 'head.safetensors'))).tensors;
    const n = 64;
    const { features } = await model.run({ image: new ort.Tensor('float32', images.subarray(0, n * 784), [n, 1, 28, 28]) });
    // Deliberately wrong labels: a loss the head can still lower. One step per run ([1, n]).
    const labels = new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 10)), [1, n]);
    const stepFeatures = new ort.Tensor('float32', features!.data as Float32Array, [1, n, manifest.featureSize]);
    const state = new Map<string, ort.Tensor>(manifest.head.parameters.map(({ name: p, shape }) => [p, new ort.Tensor('float32', parameters.get(p)!.data, shape as number[])]));
    const velocity = new Map<string, ort.Tensor>(manifest.head.parameters.map(({ name: p, shape }) => [p, new ort.Tensor('float32', new Float32Array(parameters.get(p)!.data.length), shape as number[])]));
    const losses: number[] = [];
    for (let s = 0; s < 10; s++) {
      const feeds: Record<string, ort.Tensor> = {
        features: stepFeatures,
        labels,
        learning_rate: new ort.Tensor('float32', Float32Array.of(0.05), []),
        momentum: new ort.Tensor('float32', Float32Array.of(0.9), []),
        l2_sp: new ort.Tensor('float32', Float32Array.of(0), []),
      };
      for (const [p, value] of state) {
        feeds[p] = value;
        feeds[`velocity.${p}`] = velocity.get(p)!;
        feeds[`anchor.${p}`] = new ort.Tensor('float32', parameters.get(p)!.data, value.dims as number[]);
      }
      const out = await step.run(feeds);
      losses.push((out.loss!.data as Float32Array)[0]!);
      for (const p of state.keys()) {
        state.set(p, out[`new.${p}`]!);
        velocity.set(p, out[`new.velocity.${p}`]!);
      }
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);

    // The same ten steps as one run of the Loop: the same losses.
    const stacked = new Float32Array(10 * n * manifest.featureSize);
    for (let s = 0; s < 10; s++) stacked.set(features!.data as Float32Array, s * n * manifest.featureSize);
    const feeds: Record<string, ort.Tensor> = {
      features: new ort.Tensor('float32', stacked, [10, n, manifest.featureSize]),
      labels: new ort.Tensor('int64', BigInt64Array.from({ length: 10 * n }, (_, i) => BigInt((i % n) % 10)), [10, n]),
      learning_rate: new ort.Tensor('float32', Float32Array.of(0.05), []),
      momentum: new ort.Tensor('float32', Float32Array.of(0.9), []),
      l2_sp: new ort.Tensor('float32', Float32Array.of(0), []),
    };
    for (const { name: p, shape } of manifest.head.parameters) {
      feeds[p] = new ort.Tensor('float32', parameters.get(p)!.data, shape as number[]);
      feeds[`velocity.${p}`] = new ort.Tensor('float32', new Float32Array(parameters.get(p)!.data.length), shape as number[]);
      feeds[`anchor.${p}`] = new ort.Tensor('float32', parameters.get(p)!.data, shape as number[]);
    }
    const oneRun = Array.from((await step.run(feeds)).loss!.data as Float32Array);
    oneRun.forEach((loss, i) => expect(Math.abs(loss - losses[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, losses[i]!)));
  });
});
