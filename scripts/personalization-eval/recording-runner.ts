/**
 * A HeadRunner that keeps the head after chosen step counts. runPersonalization's batches depend
 * only on the seed and the samples, never on the number of steps, so the head after step 50 of a
 * 200-step call is exactly what a 50-step call returns: one long call tunes every step count.
 */
import type { HeadParameters } from '../../sdk/src/personalize/head-parameters.ts';
import { HeadRunner, type StepsResult } from '../../sdk/src/personalize/head-runner.ts';

export class RecordingRunner extends HeadRunner {
  readonly snapshots = new Map<number, HeadParameters>();
  /** Steps run so far; after a divergence, the step that diverged (its result was rejected). */
  stepsRun = 0;
  #checkpoints: ReadonlySet<number> = new Set();

  /** Starts a new recording (one runner serves many calls). */
  record(checkpoints: readonly number[]): this {
    this.#checkpoints = new Set(checkpoints);
    this.snapshots.clear();
    this.stepsRun = 0;
    return this;
  }

  // Snapshots need one step per run: personalize trials pass stepsPerRun 1 with this runner.
  override async trainer(...args: Parameters<HeadRunner['trainer']>): ReturnType<HeadRunner['trainer']> {
    const train = await super.trainer(...args);
    return async (...stepArgs: Parameters<typeof train>): Promise<StepsResult> => {
      if (stepArgs[2] !== 1) throw new RangeError('RecordingRunner records single steps: run it with stepsPerRun 1');
      const result = await train(...stepArgs);
      this.stepsRun++;
      // ONNX Runtime returns fresh output buffers on every run, so keeping references is safe.
      if (this.#checkpoints.has(this.stepsRun)) this.snapshots.set(this.stepsRun, result.parameters);
      return result;
    };
  }
}
