import * as tf from '@tensorflow/tfjs';
import { PIXELS, type MnistSplit } from '../data/mnist.ts';
import { ARCHITECTURES, type ArchitectureName } from './architectures.ts';
import { DEFAULT_AUGMENT, gatherBatch, type AugmentOptions } from './augment.ts';
import { createRandom, seedGlobalRandom, shuffledIndices } from './random.ts';

export interface TrainConfig {
  readonly architecture: ArchitectureName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** The cosine schedule decays the learning rate to this value at the last step. */
  readonly finalLearningRate: number;
  readonly augment: AugmentOptions | null;
  readonly seed: number;
  /** Held out from the end of the training split to pick the epoch; the test set is never used for that. */
  readonly validationSize: number;
}

export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly learningRate: number;
  readonly seconds: number;
}

export interface TrainResult {
  readonly model: tf.LayersModel;
  readonly history: EpochMetrics[];
  readonly bestEpoch: number;
}

export interface TrainHooks {
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
  onEpoch?(metrics: EpochMetrics): void;
}

export class TrainingDivergedError extends Error {
  readonly code = 'E_TRAINING_DIVERGED';
  constructor(epoch: number, batch: number, loss: number, what: 'loss' | 'weights' = 'loss') {
    super(
      `${what === 'loss' ? `loss became ${loss}` : 'weights became NaN or infinite'} at epoch ${epoch}, batch ${batch}; ` +
        'lower --learning-rate or check the data; nothing was written',
    );
    this.name = 'TrainingDivergedError';
  }
}

export function defaultConfig(architecture: ArchitectureName): TrainConfig {
  const d = ARCHITECTURES[architecture].defaults;
  return {
    architecture,
    epochs: d.epochs,
    batchSize: d.batchSize,
    learningRate: d.learningRate,
    finalLearningRate: d.finalLearningRate,
    augment: d.augment ? DEFAULT_AUGMENT : null,
    seed: 1,
    validationSize: 5000,
  };
}

function weightsAreFinite(model: tf.LayersModel): boolean {
  return tf.tidy(() => model.trainableWeights.every((w) => tf.all(tf.isFinite(w.read())).dataSync()[0] === 1));
}

function cosineLearningRate(config: TrainConfig, step: number, totalSteps: number): number {
  const progress = totalSteps <= 1 ? 1 : step / (totalSteps - 1);
  const { learningRate: start, finalLearningRate: end } = config;
  return end + ((start - end) * (1 + Math.cos(Math.PI * progress))) / 2;
}

function crossEntropy(labels: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.mean(tf.metrics.categoricalCrossentropy(labels, probs)) as tf.Scalar;
}

/**
 * One optimizer step on the cross-entropy between `predict()` and `targets` (one-hot or soft),
 * changing only `variables` if given. Returns the batch loss and how many predictions hit
 * `labels`. Call inside tf.tidy.
 */
export function crossEntropyStep(
  optimizer: tf.Optimizer,
  predict: () => tf.Tensor,
  targets: tf.Tensor,
  labels: tf.Tensor,
  variables?: tf.Variable[],
): [loss: number, hits: number] {
  let probs: tf.Tensor | undefined;
  const cost = optimizer.minimize(
    () => {
      // Kept past minimize()'s own tidy for the accuracy count; the caller's tidy frees it.
      probs = tf.keep(predict());
      return crossEntropy(targets, probs);
    },
    true,
    variables,
  )!;
  const hit = tf.sum(tf.cast(tf.equal(tf.argMax(probs!, 1), labels), 'int32'));
  return [cost.dataSync()[0]!, hit.dataSync()[0]!];
}

/** Loss and accuracy of `model` in inference mode, in batches to bound memory. */
export function evaluateTfjs(model: tf.LayersModel, images: Float32Array, labels: Uint8Array): { loss: number; accuracy: number } {
  const count = labels.length;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    const [batchLoss, batchCorrect] = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * PIXELS, (start + n) * PIXELS), [n, 28, 28, 1]);
      const y = tf.tensor1d(labels.subarray(start, start + n), 'int32');
      const probs = model.predict(x) as tf.Tensor;
      const loss = tf.sum(tf.metrics.categoricalCrossentropy(tf.oneHot(y, 10), probs));
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), y), 'int32'));
      return [loss.dataSync()[0]!, hits.dataSync()[0]!];
    });
    lossSum += batchLoss;
    correct += batchCorrect;
  }
  return { loss: lossSum / count, accuracy: correct / count };
}

export async function trainModel(config: TrainConfig, train: MnistSplit, hooks: TrainHooks = {}): Promise<TrainResult> {
  const restoreRandom = seedGlobalRandom(config.seed);
  try {
    const trainCount = train.count - config.validationSize;
    if (trainCount < config.batchSize) {
      throw new RangeError(`only ${trainCount} training images after holding out ${config.validationSize} for validation`);
    }
    const validationImages = gatherBatch(
      train.images,
      Array.from({ length: config.validationSize }, (_, i) => trainCount + i),
      undefined,
    );
    const validationLabels = train.labels.subarray(trainCount);
    const random = createRandom(config.seed);
    const model = ARCHITECTURES[config.architecture].build();
    const optimizer = tf.train.adam(config.learningRate);
    const batches = Math.floor(trainCount / config.batchSize);
    const totalSteps = batches * config.epochs;
    const history: EpochMetrics[] = [];
    let best: { epoch: number; accuracy: number; weights: tf.Tensor[] } | undefined;

    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const started = performance.now();
      const order = shuffledIndices(trainCount, random);
      let lossSum = 0;
      let correct = 0;
      let learningRate = config.learningRate;
      for (let b = 0; b < batches; b++) {
        const indices = order.subarray(b * config.batchSize, (b + 1) * config.batchSize);
        const pixels = gatherBatch(train.images, indices, config.augment ? random : undefined, config.augment ?? undefined);
        const labels = Int32Array.from(indices, (i) => train.labels[i]!);
        learningRate = cosineLearningRate(config, (epoch - 1) * batches + b, totalSteps);
        (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
        const [loss, hits] = tf.tidy(() => {
          const x = tf.tensor4d(pixels, [indices.length, 28, 28, 1]);
          const y = tf.tensor1d(labels, 'int32');
          return crossEntropyStep(optimizer, () => model.apply(x, { training: true }) as tf.Tensor, tf.oneHot(y, 10), y);
        });
        if (!Number.isFinite(loss)) throw new TrainingDivergedError(epoch, b + 1, loss);
        lossSum += loss;
        correct += hits;
        hooks.onBatch?.(epoch, b + 1, batches, lossSum / (b + 1));
      }
      // A clipped cross-entropy can stay finite while the weights overflow, so check them too.
      if (!weightsAreFinite(model)) throw new TrainingDivergedError(epoch, batches, Number.NaN, 'weights');
      const validation = evaluateTfjs(model, validationImages, validationLabels);
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / batches,
        accuracy: correct / (batches * config.batchSize),
        valLoss: validation.loss,
        valAccuracy: validation.accuracy,
        learningRate,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(metrics);
      if (!best || validation.accuracy > best.accuracy) {
        if (best) tf.dispose(best.weights);
        best = { epoch, accuracy: validation.accuracy, weights: model.getWeights().map((w) => w.clone()) };
      }
      hooks.onEpoch?.(metrics);
    }
    model.setWeights(best!.weights);
    tf.dispose(best!.weights);
    optimizer.dispose();
    return { model, history, bestEpoch: best!.epoch };
  } finally {
    restoreRandom();
  }
}
