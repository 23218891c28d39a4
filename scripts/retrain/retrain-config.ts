import type { AugmentOptions } from '../train/augment.ts';
import { DEFAULT_AUGMENT } from '../train/augment.ts';

/** Which weights a retrain updates: the last Dense layer, every Dense layer, or every layer. */
export const TRAINABLE_LAYERS = ['head', 'dense', 'all'] as const;
export type TrainableLayers = (typeof TRAINABLE_LAYERS)[number];

export function isTrainableLayers(value: string): value is TrainableLayers {
  return (TRAINABLE_LAYERS as readonly string[]).includes(value);
}

export interface RetrainConfig {
  readonly layers: TrainableLayers;
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's starting rate; a cosine schedule takes it down to a twentieth by the last step. */
  readonly learningRate: number;
  /** MNIST training images mixed in per new sample, drawn afresh each epoch (against forgetting). */
  readonly replayRatio: number;
  /**
   * What replayed images are trained towards: their labels, or the base model's own predictions
   * (distillation), which keeps the new version's answers on MNIST close to the old one's.
   */
  readonly replayTargets: 'labels' | 'base-model';
  /** Small shifts, rotations and scalings of every image seen in training (samples and replay). */
  readonly augment: AugmentOptions | null;
  /** Fraction of each label's samples held out for the gate. */
  readonly heldOutFraction: number;
  readonly seed: number;
}

/**
 * The defaults, picked from the measured grid in the README ("Closing the loop"): the dense
 * layers with MNIST replay keep MNIST accuracy while the new style is learnt; training the
 * convolutions too gains little on the samples and costs MNIST accuracy.
 */
export const DEFAULT_RETRAIN_CONFIG: RetrainConfig = {
  layers: 'dense',
  epochs: 6,
  batchSize: 64,
  learningRate: 5e-4,
  replayRatio: 10,
  replayTargets: 'base-model',
  augment: DEFAULT_AUGMENT,
  heldOutFraction: 0.3,
  seed: 1,
};

/**
 * MNIST test accuracy each committed checkpoint met when it shipped: a retrained version must
 * stay at or above it. Other models must name their bar (--min-mnist-accuracy).
 */
export const MNIST_ACCURACY_BARS: Readonly<Record<string, number>> = {
  'mnist-cnn': 0.994,
  'mnist-mlp': 0.985,
};

/** Held-out improvement must be significant at this level (two-sided exact McNemar test). */
export const GATE_SIGNIFICANCE = 0.05;
