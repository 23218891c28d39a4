/**
 * Tuning one cell (K, regularization, k) on validation only: every candidate runs on the tuning
 * draws and is scored on the shifted validation split and held-out original MNIST; the test
 * splits are never touched here. One call with the most steps per (lr, l2Sp, draw) yields every
 * step count (see RecordingRunner).
 */
import { candidates, type EvaluationPlan, type Hyperparameters, type Regularization } from './eval-plan.ts';
import type { FeatureSet } from './feature-set.ts';
import { headAccuracy } from './head-accuracy.ts';
import { personalizeTrial, type TrialSetup } from './personalize-trial.ts';
import { mean } from './stat.ts';

export interface ValidationSets {
  readonly shifted: FeatureSet;
  readonly mnist: FeatureSet;
}

export interface TuningRecord {
  readonly hyper: Hyperparameters;
  /** Mean over the tuning draws; NaN when any draw diverged. */
  readonly shifted: number;
  readonly mnist: number;
  readonly diverged: boolean;
}

/** Validation accuracy of every snapshot of one tuning call; a step count at or after a divergence is missing. */
async function scoreSnapshots(setup: TrialSetup, validation: ValidationSets, succeeded: boolean): Promise<Map<number, [number, number]>> {
  const { variant } = setup;
  const { recorder } = variant;
  const scores = new Map<number, [number, number]>();
  for (const [steps, parameters] of recorder.snapshots) {
    if (!succeeded && steps >= recorder.stepsRun) continue;
    scores.set(steps, [
      await headAccuracy(variant.runner, validation.shifted, parameters, variant.featureSize),
      await headAccuracy(variant.runner, validation.mnist, parameters, variant.featureSize),
    ]);
  }
  return scores;
}

export async function tuneCell(
  setup: TrialSetup,
  plan: EvaluationPlan,
  regularization: Regularization,
  k: number,
  validation: ValidationSets,
): Promise<TuningRecord[]> {
  const longest = Math.max(...plan.stepCounts);
  const scores = new Map<string, { shifted: number[]; mnist: number[] }>();
  const key = (h: Hyperparameters) => `${h.learningRate}/${h.steps}/${h.l2Sp}`;
  for (const l2Sp of regularization.l2Sp) {
    for (const learningRate of plan.learningRates) {
      for (const seed of plan.tuningSeeds) {
        const recorder = setup.variant.recorder.record(plan.stepCounts);
        const trial = await personalizeTrial(setup, k, seed, { learningRate, steps: longest, l2Sp }, recorder);
        for (const [steps, [shifted, mnist]] of await scoreSnapshots(setup, validation, trial !== undefined)) {
          const entry = scores.get(key({ learningRate, steps, l2Sp })) ?? { shifted: [], mnist: [] };
          entry.shifted.push(shifted);
          entry.mnist.push(mnist);
          scores.set(key({ learningRate, steps, l2Sp }), entry);
        }
      }
    }
  }
  return candidates(plan, regularization).map((hyper) => {
    const entry = scores.get(key(hyper));
    // Diverged on any tuning draw = out, as the SDK would have refused that call.
    const diverged = !entry || entry.shifted.length < plan.tuningSeeds.length;
    return { hyper, shifted: diverged ? Number.NaN : mean(entry.shifted), mnist: diverged ? Number.NaN : mean(entry.mnist), diverged };
  });
}
