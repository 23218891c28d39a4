/**
 * Small tfjs models with seeded random weights for exporter tests. BatchNorm statistics are
 * randomised too, so folding is really exercised (fresh BN layers are almost identities).
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { createRandom } from '../../sdk/src/personalize/seeded-random.ts';

/** Seeded, so test data is the same on every run. */
export const seededRandom = createRandom;

export function uniformArray(random: () => number, length: number, low = 0, high = 1): Float32Array {
  return Float32Array.from({ length }, () => low + (high - low) * random());
}

/**
 * Images in [0,1] that differ in brightness and density from one to the next, so a random
 * model gives them different top classes (uniform noise all looks alike to a network).
 */
export function randomImages(seed: number, count: number, pixels = 28 * 28): Float32Array {
  const random = seededRandom(seed);
  const images = new Float32Array(count * pixels);
  for (let i = 0; i < count; i++) {
    const density = 0.05 + 0.6 * random();
    const brightness = 0.3 + 0.7 * random();
    const rowBias = random();
    for (let p = 0; p < pixels; p++) {
      const row = Math.floor(p / 28) / 28;
      const on = random() < density * (Math.abs(row - rowBias) < 0.3 ? 1.5 : 0.5);
      images[i * pixels + p] = on ? brightness * random() : 0;
    }
  }
  return images;
}

/** Replaces every weight: kernels scaled by fan-in, BN gamma/var positive and away from 1/0. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const random = seededRandom(seed);
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const isBatchNorm = layer.getClassName() === 'BatchNormalization';
    const replacements = layer.weights.map((variable, i) => {
      const shape = weights[i]!.shape;
      const size = weights[i]!.size;
      const role = variable.originalName.split('/').pop()!;
      let values: Float32Array;
      if (isBatchNorm && (role === 'gamma' || role === 'moving_variance')) values = uniformArray(random, size, 0.5, 2);
      else if (isBatchNorm) values = uniformArray(random, size, -0.5, 0.5);
      else if (shape.length === 1) values = uniformArray(random, size, -0.3, 0.3);
      else {
        const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
        const limit = Math.sqrt(6 / fanIn);
        values = uniformArray(random, size, -limit, limit);
      }
      return tf.tensor(values, shape);
    });
    layer.setWeights(replacements);
    tf.dispose(replacements);
  }
}

export type Padding = 'same' | 'valid';

/** Input -> Conv(linear) -> BN -> relu -> MaxPool -> Conv -> BN -> ReLU -> AvgPool -> Flatten -> Dense(relu) -> Dropout -> Dense(softmax). */
export function buildCnn(padding: [Padding, Padding], seed: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 5, strides: 2, padding: padding[0] }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: padding[1] }),
      tf.layers.conv2d({ filters: 6, kernelSize: [3, 2], padding: padding[1], useBias: false }),
      tf.layers.batchNormalization({ epsilon: 0.01 }),
      tf.layers.reLU(),
      tf.layers.averagePooling2d({ poolSize: 2, padding: padding[0] }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 12, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  randomizeWeights(model, seed);
  return model;
}

/** The production MLP shape, smaller, plus a BN folded into the second Dense: Flatten -> Dense(relu) -> Dropout -> Dense -> BN -> relu -> Dropout -> Dense(softmax). */
export function buildMlp(seed: number, hidden: [number, number] = [32, 16]): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: hidden[0], activation: 'relu' }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: hidden[1] }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  randomizeWeights(model, seed);
  return model;
}

/** Functional model with a residual Add over 'same' convolutions and a Flatten straight into the head. */
export function buildResidualCnn(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  const stem = tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const branch = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(stem) as tf.SymbolicTensor;
  const normalized = tf.layers.batchNormalization().apply(branch) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([normalized, stem]) as tf.SymbolicTensor;
  const activated = tf.layers.activation({ activation: 'relu' }).apply(sum) as tf.SymbolicTensor;
  const pooled = tf.layers.maxPooling2d({ poolSize: 2, padding: 'valid' }).apply(activated) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(pooled) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 10 }).apply(flat) as tf.SymbolicTensor;
  const probs = tf.layers.activation({ activation: 'softmax' }).apply(logits) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: probs });
  randomizeWeights(model, seed);
  return model;
}

export async function runOnnx(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
