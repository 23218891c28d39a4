import * as tf from '@tensorflow/tfjs';
import { PIXELS, type MnistSplit } from '../data/mnist.ts';
import { gatherBatch } from '../train/augment.ts';
import { createRandom, seedGlobalRandom, shuffledIndices } from '../train/random.ts';
import { crossEntropyStep, evaluateTfjs, TrainingDivergedError, type EpochMetrics } from '../train/train-loop.ts';
import type { RetrainConfig, TrainableLayers } from './retrain-config.ts';

export interface FineTuneData {
  /** The model before fine-tuning, whose predictions replayed images are trained towards (replayTargets 'base-model'). */
  readonly teacher?: tf.LayersModel;
  /** The new samples to learn (uint8 28x28, white on black) with digit labels. */
  readonly samples: MnistSplit;
  /** Originals replayed beside them so the model does not forget MNIST. */
  readonly replay: MnistSplit;
  /** Watched after each epoch for the curve; never used to choose anything. */
  readonly heldOut: MnistSplit;
  /** MNIST originals watched for forgetting, if any. */
  readonly mnistCheck?: MnistSplit;
}

export interface FineTuneHooks {
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
  onEpoch?(metrics: FineTuneEpoch): void;
}

/** One epoch: `valAccuracy` is the held-out samples', `mnistAccuracy` the MNIST check images'. */
export interface FineTuneEpoch extends EpochMetrics {
  readonly mnistAccuracy?: number;
}

/** The weights a retrain may change, by layer choice. */
export function trainableVariables(model: tf.LayersModel, layers: TrainableLayers): tf.Variable[] {
  const dense = model.layers.filter((layer) => layer.getClassName() === 'Dense');
  const chosen = layers === 'head' ? dense.slice(-1) : layers === 'dense' ? dense : model.layers;
  return chosen.flatMap((layer) => layer.trainableWeights.map((weight) => weight.read() as tf.Variable));
}

/**
 * The model's forward pass with dropout active and BatchNorm in inference mode: the running
 * statistics learnt on 55,000 MNIST images stay as they are, whatever a small mixed batch holds.
 */
function forward(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  let y = x;
  for (const layer of model.layers) y = layer.apply(y, { training: layer.getClassName() === 'Dropout' }) as tf.Tensor;
  return y;
}

/** One image array holding the samples, then `replayCount` MNIST originals drawn for this epoch. */
function epochPool(data: FineTuneData, replayCount: number, random: () => number): MnistSplit {
  const { samples, replay } = data;
  const count = samples.count + replayCount;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  images.set(samples.images.subarray(0, samples.count * PIXELS));
  labels.set(samples.labels.subarray(0, samples.count));
  const drawn = shuffledIndices(replay.count, random).subarray(0, replayCount);
  drawn.forEach((index, i) => {
    images.set(replay.images.subarray(index * PIXELS, (index + 1) * PIXELS), (samples.count + i) * PIXELS);
    labels[samples.count + i] = replay.labels[index]!;
  });
  return { images, labels, count };
}

/** Fine-tunes `model` in place on the samples mixed with MNIST replay; the last epoch's weights are kept. */
export function fineTune(model: tf.LayersModel, data: FineTuneData, config: RetrainConfig, hooks: FineTuneHooks = {}): FineTuneEpoch[] {
  const restoreRandom = seedGlobalRandom(config.seed);
  const optimizer = tf.train.adam(config.learningRate);
  try {
    const random = createRandom(config.seed);
    const variables = trainableVariables(model, config.layers);
    const replayCount = Math.min(data.replay.count, Math.round(data.samples.count * config.replayRatio));
    const perEpoch = data.samples.count + replayCount;
    const batches = Math.max(1, Math.ceil(perEpoch / config.batchSize));
    const totalSteps = batches * config.epochs;
    const history: FineTuneEpoch[] = [];
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const started = performance.now();
      const pool = epochPool(data, replayCount, random);
      const order = shuffledIndices(pool.count, random);
      let lossSum = 0;
      let correct = 0;
      let learningRate = config.learningRate;
      for (let b = 0; b < batches; b++) {
        const indices = order.subarray(b * config.batchSize, Math.min(pool.count, (b + 1) * config.batchSize));
        const pixels = gatherBatch(pool.images, indices, config.augment ? random : undefined, config.augment ?? undefined);
        const labels = Int32Array.from(indices, (i) => pool.labels[i]!);
        // Samples come first in the pool, replayed images after them.
        const replayed = Float32Array.from(indices, (i) => (i >= data.samples.count ? 1 : 0));
        const progress = totalSteps <= 1 ? 1 : ((epoch - 1) * batches + b) / (totalSteps - 1);
        learningRate = config.learningRate * (0.05 + 0.95 * (0.5 + 0.5 * Math.cos(Math.PI * progress)));
        (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
        const [loss, hits] = tf.tidy(() => {
          const x = tf.tensor4d(pixels, [indices.length, 28, 28, 1]);
          const y = tf.tensor1d(labels, 'int32');
          const targets = replayTargets(data, config, x, tf.oneHot(y, 10), replayed);
          return crossEntropyStep(optimizer, () => forward(model, x), targets, y, variables);
        });
        if (!Number.isFinite(loss)) throw new TrainingDivergedError(epoch, b + 1, loss);
        lossSum += loss;
        correct += hits;
        hooks.onBatch?.(epoch, b + 1, batches, lossSum / (b + 1));
      }
      const heldOut = evaluateTfjs(model, toFloat(data.heldOut), data.heldOut.labels);
      const mnist = data.mnistCheck && evaluateTfjs(model, toFloat(data.mnistCheck), data.mnistCheck.labels);
      const metrics: FineTuneEpoch = {
        epoch,
        loss: lossSum / batches,
        accuracy: correct / pool.count,
        valLoss: heldOut.loss,
        valAccuracy: heldOut.accuracy,
        ...(mnist ? { mnistAccuracy: mnist.accuracy } : {}),
        learningRate,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(metrics);
      hooks.onEpoch?.(metrics);
    }
    return history;
  } finally {
    optimizer.dispose();
    restoreRandom();
  }
}

/** One-hot labels, with the teacher's probabilities in place of them for replayed images when distilling. */
function replayTargets(data: FineTuneData, config: RetrainConfig, x: tf.Tensor, oneHot: tf.Tensor, replayed: Float32Array): tf.Tensor {
  if (config.replayTargets === 'labels') return oneHot;
  if (!data.teacher) throw new RangeError("replayTargets 'base-model' needs the base model as teacher");
  const teacherProbs = data.teacher.predict(x) as tf.Tensor;
  const mask = tf.tensor2d(replayed, [replayed.length, 1]);
  return tf.add(tf.mul(mask, teacherProbs), tf.mul(tf.sub(1, mask), oneHot));
}

function toFloat(split: MnistSplit): Float32Array {
  return gatherBatch(split.images, Array.from({ length: split.count }, (_, i) => i), undefined);
}
