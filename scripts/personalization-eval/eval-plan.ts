/**
 * What the evaluation runs: the grid (K x regularization x k), the hyperparameter candidates
 * tuned on the validation split, seeds, and the sizes of every data split.
 */
import { PERSONALIZE_DEFAULTS } from '../../sdk/src/personalize/personalize-options.ts';

export type RegularizationName = 'none' | 'L2-SP' | 'replay' | 'L2-SP + replay';

export interface Regularization {
  readonly name: RegularizationName;
  /** Candidate l2Sp strengths; [0] = no L2-SP. */
  readonly l2Sp: readonly number[];
  readonly replay: boolean;
}

export interface Hyperparameters {
  readonly learningRate: number;
  readonly steps: number;
  readonly l2Sp: number;
}

export interface SplitSizes {
  /** Shifted images (from MNIST train) the personalization samples are drawn from. */
  readonly pool: number;
  /** Shifted images (from MNIST train, after the pool) for tuning. */
  readonly shiftedValidation: number;
  /** Shifted images re-rendered from MNIST test: the reported shifted accuracy. */
  readonly shiftedTest: number;
  /** Original MNIST test images: the reported forgetting. */
  readonly mnistTest: number;
  /** Original images from the training script's held-out validation split: forgetting while tuning. */
  readonly mnistValidation: number;
  /** Original MNIST train images replay sets are drawn from. */
  readonly replayPool: number;
}

export interface EvaluationPlan {
  readonly headLayers: readonly number[];
  readonly kValues: readonly number[];
  readonly regularizations: readonly Regularization[];
  readonly learningRates: readonly number[];
  readonly stepCounts: readonly number[];
  /** Draws whose results are reported (on the test splits). */
  readonly seeds: readonly number[];
  /** Different draws for tuning, so the reported draws were never looked at while choosing. */
  readonly tuningSeeds: readonly number[];
  readonly batchSize: number;
  readonly momentum: number;
  readonly replayPerClass: number;
  /** A candidate within this much shifted validation accuracy of the best counts as just as good; the one that forgets least wins. */
  readonly tolerance: number;
  readonly domainSeed: number;
  readonly sizes: SplitSizes;
}

export const L2_SP_STRENGTHS = [0.01, 0.1, 1] as const;

export const REGULARIZATIONS: readonly Regularization[] = [
  { name: 'none', l2Sp: [0], replay: false },
  { name: 'L2-SP', l2Sp: L2_SP_STRENGTHS, replay: false },
  { name: 'replay', l2Sp: [0], replay: true },
  { name: 'L2-SP + replay', l2Sp: L2_SP_STRENGTHS, replay: true },
];

export const DEFAULT_PLAN: EvaluationPlan = {
  headLayers: [1, 2],
  kValues: [1, 5, 10, 20],
  regularizations: REGULARIZATIONS,
  // The SDK's current defaults (lr 0.05, 20 steps, l2Sp 0.01) are among the candidates; a first
  // run with lr up to 0.2 and at most 100 steps kept picking the smallest lr, hence 0.003 and 200.
  learningRates: [0.003, 0.01, PERSONALIZE_DEFAULTS.learningRate],
  stepCounts: [PERSONALIZE_DEFAULTS.steps, 50, 100, 200],
  seeds: [1, 2, 3],
  tuningSeeds: [101, 102, 103],
  batchSize: PERSONALIZE_DEFAULTS.batchSize,
  momentum: PERSONALIZE_DEFAULTS.momentum,
  replayPerClass: 10,
  tolerance: 0.01,
  domainSeed: 2024,
  sizes: { pool: 3000, shiftedValidation: 1000, shiftedTest: 2000, mnistTest: 10_000, mnistValidation: 1000, replayPool: 2000 },
};

export function candidates(plan: EvaluationPlan, regularization: Regularization): Hyperparameters[] {
  return regularization.l2Sp.flatMap((l2Sp) =>
    plan.stepCounts.flatMap((steps) => plan.learningRates.map((learningRate) => ({ learningRate, steps, l2Sp }))),
  );
}
