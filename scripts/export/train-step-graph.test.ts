import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from '../../test/support/tfjs-cpu-backend.ts';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxArtifacts } from './build-onnx-artifacts.ts';
import type { HeadSpec } from './extract-head.ts';
import type { HeadParameter } from './head-parameters.ts';
import { buildCnn, buildMlp, runOnnx, seededRandom, uniformArray } from './test-fixtures.ts';

beforeAll(async () => {
  await useTfjsCpuBackend();
});

const BATCH = 32;

interface StepInputs {
  features: Float32Array;
  labels: number[];
  params: Float32Array[];
  velocities: Float32Array[];
  anchors: Float32Array[];
  learningRate: number;
  momentum: number;
  l2Sp: number;
}

function stepFeeds(parameters: readonly HeadParameter[], featureSize: number, s: StepInputs): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {
    features: new ort.Tensor('float32', s.features, [1, s.labels.length, featureSize]),
    labels: new ort.Tensor('int64', BigInt64Array.from(s.labels, BigInt), [1, s.labels.length]),
    learning_rate: new ort.Tensor('float32', Float32Array.of(s.learningRate), []),
    momentum: new ort.Tensor('float32', Float32Array.of(s.momentum), []),
    l2_sp: new ort.Tensor('float32', Float32Array.of(s.l2Sp), []),
  };
  parameters.forEach((p, i) => {
    feeds[p.name] = new ort.Tensor('float32', s.params[i]!, [...p.shape]);
    feeds[`velocity.${p.name}`] = new ort.Tensor('float32', s.velocities[i]!, [...p.shape]);
    feeds[`anchor.${p.name}`] = new ort.Tensor('float32', s.anchors[i]!, [...p.shape]);
  });
  return feeds;
}

/** Step inputs with params moved away from their anchors and non-zero velocities. */
function randomStep(parameters: readonly HeadParameter[], featureSize: number, seed: number): StepInputs {
  const random = seededRandom(seed);
  return {
    features: uniformArray(random, BATCH * featureSize, -1, 2),
    labels: Array.from({ length: BATCH }, () => Math.floor(random() * 10)),
    params: parameters.map((p) => p.data.map((v) => v + 0.05 * (random() - 0.5))),
    velocities: parameters.map((p) => uniformArray(random, p.data.length, -0.1, 0.1)),
    anchors: parameters.map((p) => p.data),
    learningRate: 0.1,
    momentum: 0.9,
    l2Sp: 0.5,
  };
}

/** The same step with tfjs autodiff: tf.variableGrads over CE + L2-SP, then momentum SGD. */
function tfjsStep(head: HeadSpec, s: StepInputs) {
  return tf.tidy(() => {
    const params = s.params.map((data, i) => tf.variable(tf.tensor(data, shapeOf(head, i))));
    const features = tf.tensor2d(s.features, [s.labels.length, head.featureSize]);
    const oneHot = tf.oneHot(tf.tensor1d(s.labels, 'int32'), 10).toFloat();
    const lossFn = (): tf.Scalar => {
      let x: tf.Tensor = features;
      let p = 0;
      for (const op of head.ops) x = op.kind === 'relu' ? tf.relu(x) : tf.add(tf.matMul(x, params[p++]!), params[p++]!);
      const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(x)), 1)));
      const squares = params.map((param, i) => tf.sum(tf.square(tf.sub(param, tf.tensor(s.anchors[i]!, param.shape)))));
      return tf.add(crossEntropy, tf.mul(0.5 * s.l2Sp, tf.addN(squares))) as tf.Scalar;
    };
    const { value, grads } = tf.variableGrads(lossFn, params);
    const result = params.map((param) => {
      const velocity = tf.add(tf.mul(s.momentum, tf.tensor(s.velocities[params.indexOf(param)]!, param.shape)), grads[param.name]!);
      return { param: tf.sub(param, tf.mul(s.learningRate, velocity)).dataSync(), velocity: velocity.dataSync() };
    });
    const loss = value.dataSync()[0]!;
    params.forEach((p) => p.dispose());
    return { loss, result };
  });
}

function shapeOf(head: HeadSpec, parameterIndex: number): number[] {
  const dense = head.ops.filter((op) => op.kind === 'dense')[Math.floor(parameterIndex / 2)]!;
  return parameterIndex % 2 === 0 ? [dense.inUnits, dense.outUnits] : [dense.outUnits];
}

/** Loss of the head in float64 JS, the reference for finite differences. */
function lossFloat64(head: HeadSpec, s: StepInputs, params: Float64Array[]): number {
  let total = 0;
  for (let n = 0; n < s.labels.length; n++) {
    let x = Array.from(s.features.subarray(n * head.featureSize, (n + 1) * head.featureSize));
    let p = 0;
    for (const op of head.ops) {
      if (op.kind === 'relu') {
        x = x.map((v) => Math.max(v, 0));
        continue;
      }
      const weight = params[p++]!;
      const bias = params[p++]!;
      x = Array.from({ length: op.outUnits }, (_, o) => x.reduce((sum, v, i) => sum + v * weight[i * op.outUnits + o]!, bias[o]!));
    }
    const max = Math.max(...x);
    const logSum = Math.log(x.reduce((sum, v) => sum + Math.exp(v - max), 0)) + max;
    total += logSum - x[s.labels[n]!]!;
  }
  let squares = 0;
  params.forEach((param, i) => param.forEach((v, j) => (squares += (v - s.anchors[i]![j]!) ** 2)));
  return total / s.labels.length + 0.5 * s.l2Sp * squares;
}

const closeTo = (actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number): number[] => {
  const bad: number[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= relative * Math.max(1, Math.abs(expected[i]!)))) bad.push(i);
  }
  return bad;
};

describe.each([
  { name: 'MLP head of 1 layer', build: () => buildMlp(11), headLayers: 1 },
  { name: 'MLP head of 2 layers (BN folded into the first)', build: () => buildMlp(12), headLayers: 2 },
  { name: 'CNN head of 2 layers', build: () => buildCnn(['same', 'valid'], 13), headLayers: 2 },
])('train-step.onnx, $name', ({ build, headLayers }) => {
  const model = build();
  const artifacts = buildOnnxArtifacts(model, headLayers);
  const { head, headParameters: parameters } = artifacts;

  it('matches one tfjs autodiff step with momentum and L2-SP within 1e-5', async () => {
    const step = randomStep(parameters, head.featureSize, 21);
    const out = await runOnnx(artifacts.trainStepOnnx, stepFeeds(parameters, head.featureSize, step));
    const reference = tfjsStep(head, step);

    expect(Math.abs((out.loss!.data as Float32Array)[0]! - reference.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, reference.loss));
    parameters.forEach((p, i) => {
      expect(out[`new.${p.name}`]!.dims).toEqual(p.shape);
      expect(closeTo(out[`new.${p.name}`]!.data as Float32Array, reference.result[i]!.param, 1e-5), p.name).toEqual([]);
      expect(closeTo(out[`new.velocity.${p.name}`]!.data as Float32Array, reference.result[i]!.velocity, 1e-5), p.name).toEqual([]);
    });
  });

  it('emits a gradient that agrees with float64 central finite differences', async () => {
    // With zero velocity and momentum, the new velocity is exactly the gradient.
    const step = { ...randomStep(parameters, head.featureSize, 22), momentum: 0 };
    step.velocities = step.velocities.map((v) => new Float32Array(v.length));
    const out = await runOnnx(artifacts.trainStepOnnx, stepFeeds(parameters, head.featureSize, step));
    const random = seededRandom(23);
    const h = 1e-6;
    parameters.forEach((p, i) => {
      const gradient = out[`new.velocity.${p.name}`]!.data as Float32Array;
      const largest = gradient.reduce((best, g, j) => (Math.abs(g) > Math.abs(gradient[best]!) ? j : best), 0);
      const coordinates = [largest, ...Array.from({ length: 3 }, () => Math.floor(random() * gradient.length))];
      for (const j of coordinates) {
        const plus = step.params.map((q) => Float64Array.from(q));
        const minus = step.params.map((q) => Float64Array.from(q));
        plus[i]![j]! += h;
        minus[i]![j]! -= h;
        const numeric = (lossFloat64(head, step, plus) - lossFloat64(head, step, minus)) / (2 * h);
        expect(Math.abs(gradient[j]! - numeric), `${p.name}[${j}]: ${gradient[j]} vs ${numeric}`).toBeLessThanOrEqual(
          1e-4 + 1e-3 * Math.abs(numeric),
        );
      }
      expect(Math.abs(gradient[largest]!)).toBeGreaterThan(1e-3);
    });
  });

  it('lowers the loss over 20 steps on a learnable batch', async () => {
    const random = seededRandom(24);
    const features = uniformArray(random, 32 * head.featureSize, 0, 1);
    // Labels from a random linear teacher, so the batch is learnable.
    const teacher = uniformArray(random, head.featureSize * 10, -1, 1);
    const labels = Array.from({ length: 32 }, (_, n) => {
      const scores = Array.from({ length: 10 }, (_, c) =>
        features.subarray(n * head.featureSize, (n + 1) * head.featureSize).reduce((s, v, i) => s + v * teacher[i * 10 + c]!, 0),
      );
      return scores.indexOf(Math.max(...scores));
    });
    let state: StepInputs = {
      features,
      labels,
      params: parameters.map((p) => p.data),
      velocities: parameters.map((p) => new Float32Array(p.data.length)),
      anchors: parameters.map((p) => p.data),
      learningRate: 0.05,
      momentum: 0.9,
      l2Sp: 1e-3,
    };
    const session = await ort.InferenceSession.create(artifacts.trainStepOnnx, { intraOpNumThreads: 1 });
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const out = await session.run(stepFeeds(parameters, head.featureSize, state));
      losses.push((out.loss!.data as Float32Array)[0]!);
      state = {
        ...state,
        params: parameters.map((p) => out[`new.${p.name}`]!.data as Float32Array),
        velocities: parameters.map((p) => out[`new.velocity.${p.name}`]!.data as Float32Array),
      };
    }
    await session.release();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[19]!).toBeLessThan(0.7 * losses[0]!);
  });
});
