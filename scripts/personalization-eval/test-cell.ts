/** The reported numbers of one setting: personalize on each report draw, score on the test splits. */
import type { Hyperparameters } from './eval-plan.ts';
import type { FeatureSet } from './feature-set.ts';
import { headAccuracy } from './head-accuracy.ts';
import { personalizeTrial, type TrialSetup } from './personalize-trial.ts';
import { stat, type Stat } from './stat.ts';

export interface TestSets {
  readonly shifted: FeatureSet;
  readonly mnist: FeatureSet;
}

export interface TestResult {
  readonly shifted: Stat;
  readonly mnist: Stat;
  /** Wall time of one runPersonalization call (features already computed, as with the SDK's cache). */
  readonly milliseconds: Stat;
  readonly diverged: number;
}

export async function testSetting(setup: TrialSetup, k: number, seeds: readonly number[], hyper: Hyperparameters, sets: TestSets): Promise<TestResult> {
  const { variant } = setup;
  const shifted: number[] = [];
  const mnist: number[] = [];
  const milliseconds: number[] = [];
  let diverged = 0;
  for (const seed of seeds) {
    const trial = await personalizeTrial(setup, k, seed, hyper);
    if (!trial) {
      diverged++;
      continue;
    }
    shifted.push(await headAccuracy(variant.runner, sets.shifted, trial.parameters, variant.featureSize));
    mnist.push(await headAccuracy(variant.runner, sets.mnist, trial.parameters, variant.featureSize));
    milliseconds.push(trial.report.milliseconds);
  }
  return { shifted: stat(shifted), mnist: stat(mnist), milliseconds: stat(milliseconds), diverged };
}
