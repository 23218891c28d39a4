import type { PersonalizeSettings } from '../engine/engine-protocol.ts';
import { InputRangeError, InputTypeError } from '../errors.ts';

export interface PersonalizeOptions {
  /** SGD steps (default 100). */
  readonly steps?: number;
  readonly learningRate?: number;
  /** Mini-batch size; a smaller sample set is used whole (default 32). */
  readonly batchSize?: number;
  /** Heavy-ball momentum in [0, 1) (default 0.9). */
  readonly momentum?: number;
  /** L2-SP: strength of the pull toward the pretrained head (default 0.1). */
  readonly l2Sp?: number;
  /** Shuffling seed: the same samples and seed give the same head (default 0). */
  readonly seed?: number;
}

/** Every option resolved: the settings that cross to the worker. */
export type ResolvedPersonalizeOptions = PersonalizeSettings;

/**
 * Chosen on validation data in the shifted-domain evaluation (docs/personalization-eval.md): for
 * the shipped one-layer head, 100 gentle steps with a firm pull toward the pretrained head gain
 * the most on a new writing style while forgetting the least of MNIST.
 */
export const PERSONALIZE_DEFAULTS: ResolvedPersonalizeOptions = {
  steps: 100,
  learningRate: 0.003,
  batchSize: 32,
  momentum: 0.9,
  l2Sp: 0.1,
  seed: 0,
};

function check(name: keyof PersonalizeOptions, value: unknown, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number') throw new InputTypeError(`options.${name} must be a number, got ${typeof value}`);
  if (!ok(value)) throw new InputRangeError(`options.${name} must be ${expected}, got ${value}`);
  return value;
}

/** Every option checked before any step runs, so bad options never touch the head. */
export function resolvePersonalizeOptions(options: PersonalizeOptions = {}): ResolvedPersonalizeOptions {
  const o = { ...PERSONALIZE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  return {
    steps: check('steps', o.steps, (v) => Number.isInteger(v) && v >= 1 && v <= 100_000, 'an integer from 1 to 100000'),
    learningRate: check('learningRate', o.learningRate, (v) => Number.isFinite(v) && v > 0 && v <= 10, 'in (0, 10]'),
    batchSize: check('batchSize', o.batchSize, (v) => Number.isInteger(v) && v >= 1 && v <= 4096, 'an integer from 1 to 4096'),
    momentum: check('momentum', o.momentum, (v) => Number.isFinite(v) && v >= 0 && v < 1, 'in [0, 1)'),
    l2Sp: check('l2Sp', o.l2Sp, (v) => Number.isFinite(v) && v >= 0 && v <= 1000, 'in [0, 1000]'),
    seed: check('seed', o.seed, (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer from 0 to 2^32-1'),
  };
}

/** Only the personalization settings in `options` (e.g. a call's options, which carry callbacks too), the undefined ones left out. */
export function pickPersonalizeOptions(options: PersonalizeOptions = {}): PersonalizeOptions {
  const { steps, learningRate, batchSize, momentum, l2Sp, seed } = options ?? {};
  return Object.fromEntries(Object.entries({ steps, learningRate, batchSize, momentum, l2Sp, seed }).filter(([, value]) => value !== undefined));
}
