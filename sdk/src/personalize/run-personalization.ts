import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { cloneParameters, zerosLike, type HeadParameters } from './head-parameters.ts';
import type { HeadRunner } from './head-runner.ts';
import type { ResolvedPersonalizeOptions } from './personalize-options.ts';
import type { PersonalizeReport, StepProgress } from './personalize-report.ts';
import { createRandom, shuffleInPlace } from './seeded-random.ts';

export interface TrainingSet {
  /** `count` feature rows of `featureSize` floats. */
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

export interface PersonalizationRun {
  readonly runner: HeadRunner;
  readonly featureSize: number;
  readonly samples: TrainingSet;
  readonly replay?: TrainingSet | undefined;
  /** The head before this call: training starts here and returns here on failure. */
  readonly start: HeadParameters;
  /** The pretrained head, which L2-SP pulls toward. */
  readonly anchors: HeadParameters;
  readonly options: ResolvedPersonalizeOptions;
  readonly onStep?: ((progress: StepProgress) => void) | undefined;
  readonly isCancelled?: () => boolean;
  /** SGD steps per session.run (default STEPS_PER_RUN); progress and cancellation are checked between runs. */
  readonly stepsPerRun?: number;
}

/** Enough steps per run to amortise the round trip, few enough that progress and abort stay responsive. */
export const STEPS_PER_RUN = 25;

/** A loss this many times the first one (or NaN/Inf) means training diverged. */
const DIVERGENCE_FACTOR = 10;

async function accuracy(runner: HeadRunner, set: TrainingSet, parameters: HeadParameters): Promise<number> {
  const probs = await runner.probabilities(set.features, set.count, parameters);
  const classes = probs.length / set.count;
  let correct = 0;
  for (let i = 0; i < set.count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    if (best === set.labels[i]) correct++;
  }
  return correct / set.count;
}

/**
 * Few-step SGD on the head over shuffled mini-batches of precomputed features. Returns the new
 * head and a report; throws (leaving `start` untouched) on divergence or cancellation.
 */
export async function runPersonalization(run: PersonalizationRun): Promise<{ parameters: HeadParameters; report: PersonalizeReport }> {
  const started = performance.now();
  const { runner, featureSize, samples, replay, options } = run;
  const poolSize = samples.count + (replay?.count ?? 0);
  const poolFeatures = (i: number) =>
    i < samples.count ? samples.features.subarray(i * featureSize, (i + 1) * featureSize) : replay!.features.subarray((i - samples.count) * featureSize, (i - samples.count + 1) * featureSize);
  const poolLabel = (i: number) => (i < samples.count ? samples.labels[i]! : replay!.labels[i - samples.count]!);

  const batchSize = Math.min(options.batchSize, poolSize);
  const stepsPerRun = Math.max(1, Math.min(run.stepsPerRun ?? STEPS_PER_RUN, options.steps));
  const chunkFeatures = new Float32Array(stepsPerRun * batchSize * featureSize);
  const chunkLabels = new BigInt64Array(stepsPerRun * batchSize);
  const random = createRandom(options.seed);
  const order = Uint32Array.from({ length: poolSize }, (_, i) => i);
  shuffleInPlace(order, random);
  let cursor = 0;

  const accuracyBefore = await accuracy(runner, samples, run.start);
  let parameters = cloneParameters(run.start);
  let velocity = zerosLike(parameters);
  const losses: number[] = [];
  const hyper = { learningRate: options.learningRate, momentum: options.momentum, l2Sp: options.l2Sp };
  const train = await runner.trainer(run.anchors, hyper);
  let runs = 0;
  const loopStarted = performance.now();

  for (let done = 0; done < options.steps; ) {
    if (run.isCancelled?.()) {
      throw new EdgetuneError(ErrorCodes.ABORTED, `personalization was aborted at step ${done + 1} of ${options.steps}; the head is unchanged`);
    }
    const steps = Math.min(stepsPerRun, options.steps - done);
    // The batches of the next `steps` steps, stacked; the order depends only on the seed.
    for (let b = 0; b < steps * batchSize; b++) {
      if (cursor === poolSize) {
        shuffleInPlace(order, random);
        cursor = 0;
      }
      const index = order[cursor++]!;
      chunkFeatures.set(poolFeatures(index), b * featureSize);
      chunkLabels[b] = BigInt(poolLabel(index));
    }
    const count = steps * batchSize;
    const result = await train(chunkFeatures.subarray(0, count * featureSize), chunkLabels.subarray(0, count), steps, parameters, velocity);
    runs++;
    for (let i = 0; i < steps; i++) {
      const loss = result.losses[i]!;
      const limit = DIVERGENCE_FACTOR * Math.max(losses[0] ?? loss, 0.5);
      if (!Number.isFinite(loss) || loss > limit) {
        throw new EdgetuneError(
          ErrorCodes.TRAINING_DIVERGED,
          `personalization diverged at step ${done + i + 1}: loss ${loss} (first step ${losses[0] ?? loss}); ` +
            'the head was rolled back to where it was before this call. Lower learningRate or check the labels.',
        );
      }
      losses.push(loss);
      run.onStep?.({ step: done + i + 1, steps: options.steps, loss });
    }
    parameters = result.parameters;
    velocity = result.velocity;
    done += steps;
  }

  const trainingMilliseconds = performance.now() - loopStarted;
  const accuracyAfter = await accuracy(runner, samples, parameters);
  const milliseconds = performance.now() - started;
  return {
    parameters,
    report: {
      steps: options.steps,
      losses,
      accuracyBefore,
      accuracyAfter,
      samples: samples.count,
      replaySamples: replay?.count ?? 0,
      milliseconds,
      trainingMilliseconds,
      millisecondsPerStep: trainingMilliseconds / options.steps,
      runsPerStep: runs / options.steps,
    },
  };
}
