/**
 * One personalize call as the SDK makes it (runPersonalization over the HeadRunner, starting
 * from and anchored at the pretrained head) on k drawn samples per class, plus an optional
 * replay set of original digits mixed into the batches.
 */
import { RecordingRunner } from './recording-runner.ts';
import { EdgetuneError, ErrorCodes } from '../../sdk/src/errors.ts';
import type { HeadParameters } from '../../sdk/src/personalize/head-parameters.ts';
import type { HeadRunner } from '../../sdk/src/personalize/head-runner.ts';
import { resolvePersonalizeOptions } from '../../sdk/src/personalize/personalize-options.ts';
import type { PersonalizeReport } from '../../sdk/src/personalize/personalize-report.ts';
import { runPersonalization } from '../../sdk/src/personalize/run-personalization.ts';
import { drawPerClass } from './draw-per-class.ts';
import type { EvaluationPlan, Hyperparameters } from './eval-plan.ts';
import { selectRows, type FeatureSet } from './feature-set.ts';
import { derivedSeed } from './derived-seed.ts';
import type { HeadVariant } from './head-variant.ts';

export interface TrialSetup {
  readonly variant: HeadVariant;
  readonly pool: FeatureSet;
  /** Present when the regularization uses replay. */
  readonly replayPool?: FeatureSet | undefined;
  readonly plan: Pick<EvaluationPlan, 'batchSize' | 'momentum' | 'replayPerClass'>;
}

export interface Trial {
  readonly parameters: HeadParameters;
  readonly report: PersonalizeReport;
}

const REPLAY_STREAM = 7;

/**
 * Undefined when the SDK stopped the call as diverged (it would have rolled the head back).
 * `runner` defaults to the variant's; tuning passes its recorder.
 */
export async function personalizeTrial(
  setup: TrialSetup,
  k: number,
  seed: number,
  hyper: Hyperparameters,
  runner: HeadRunner = setup.variant.runner,
): Promise<Trial | undefined> {
  const { variant, pool, replayPool, plan } = setup;
  const samples = selectRows(pool, drawPerClass(pool.labels, k, seed), variant.featureSize);
  const replay = replayPool
    ? selectRows(replayPool, drawPerClass(replayPool.labels, plan.replayPerClass, derivedSeed(seed, REPLAY_STREAM, 0)), variant.featureSize)
    : undefined;
  const options = resolvePersonalizeOptions({
    steps: hyper.steps,
    learningRate: hyper.learningRate,
    l2Sp: hyper.l2Sp,
    batchSize: plan.batchSize,
    momentum: plan.momentum,
    seed,
  });
  try {
    return await runPersonalization({
      runner,
      featureSize: variant.featureSize,
      samples,
      replay,
      start: variant.pretrained,
      anchors: variant.pretrained,
      options,
      // A recording runner snapshots every step, so it takes them one run at a time.
      ...(runner instanceof RecordingRunner ? { stepsPerRun: 1 } : {}),
    });
  } catch (error) {
    if (error instanceof EdgetuneError && error.code === ErrorCodes.TRAINING_DIVERGED) return undefined;
    throw error;
  }
}
