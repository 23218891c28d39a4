import type { Manifest } from '../artifacts/manifest.ts';
import type { InferenceSession, OrtModule, OrtTensor } from '../engine/ort-types.ts';
import type { HeadParameters, ParameterSpec } from './head-parameters.ts';

export interface StepHyperparameters {
  readonly learningRate: number;
  readonly momentum: number;
  readonly l2Sp: number;
}

export interface StepsResult {
  /** The loss of each step, before its update. */
  readonly losses: Float32Array;
  readonly parameters: HeadParameters;
  readonly velocity: HeadParameters;
}

/**
 * Runs head.onnx (forward) and train-step.onnx (one SGD step) with the head's parameters fed as
 * plain inputs. Several SGD steps share one session.run, the cost floor of on-device training.
 * head.onnx's session exists from load on, so classifying with a personalized head never waits
 * for a session; train-step.onnx's (70-230 ms to create in ONNX Runtime Web, for its Loop) is
 * created by the first training call.
 */
export class HeadRunner {
  private readonly specs: readonly ParameterSpec[];
  private readonly featureSize: number;
  #trainStep: Promise<InferenceSession> | undefined;

  constructor(
    private readonly ort: OrtModule,
    private readonly manifest: Manifest,
    private readonly head: InferenceSession,
    private readonly createTrainStep: () => Promise<InferenceSession>,
  ) {
    this.specs = manifest.head.parameters.map((p) => ({ name: p.name, shape: p.shape as number[] }));
    this.featureSize = manifest.featureSize;
  }

  get parameterSpecs(): readonly ParameterSpec[] {
    return this.specs;
  }

  #tensor(data: Float32Array, shape: readonly number[]): OrtTensor {
    return new this.ort.Tensor('float32', data, shape as number[]);
  }

  /** Class probabilities for `count` feature rows under `parameters`. */
  async probabilities(features: Float32Array, count: number, parameters: HeadParameters): Promise<Float32Array> {
    const feeds: Record<string, OrtTensor> = { features: this.#tensor(features, [count, this.featureSize]) };
    for (const spec of this.specs) feeds[spec.name] = this.#tensor(parameters.get(spec.name)!, spec.shape);
    const probsName = this.manifest.head.outputs.probs;
    const outputs = await this.head.run(feeds, [probsName]);
    return outputs[probsName]!.data as Float32Array;
  }

  /**
   * A training function for one personalize call. train-step.onnx runs S steps in one
   * session.run (an ONNX Loop over stacked batches), so S steps cost one runtime round trip.
   * The inputs fixed for the call (anchors, learning rate, momentum, L2-SP) are built once.
   */
  async trainer(anchors: HeadParameters, hyper: StepHyperparameters) {
    // A failed creation is retried by the next call, not remembered.
    this.#trainStep ??= this.createTrainStep();
    this.#trainStep.catch(() => (this.#trainStep = undefined));
    const trainStep = await this.#trainStep;
    const { inputs, outputs } = this.manifest.head.trainStep;
    const feeds: Record<string, OrtTensor> = {
      [inputs.learningRate]: this.#tensor(Float32Array.of(hyper.learningRate), []),
      [inputs.momentum]: this.#tensor(Float32Array.of(hyper.momentum), []),
      [inputs.l2Sp]: this.#tensor(Float32Array.of(hyper.l2Sp), []),
    };
    for (const spec of this.specs) feeds[`${inputs.anchorPrefix}${spec.name}`] = this.#tensor(anchors.get(spec.name)!, spec.shape);
    /** `features` [steps, batch, F] and `labels` [steps, batch]: one batch per step. */
    return async (features: Float32Array, labels: BigInt64Array, steps: number, parameters: HeadParameters, velocity: HeadParameters): Promise<StepsResult> => {
      const batch = labels.length / steps;
      feeds[inputs.features] = this.#tensor(features, [steps, batch, this.featureSize]);
      feeds[inputs.labels] = new this.ort.Tensor('int64', labels, [steps, batch]);
      for (const spec of this.specs) {
        feeds[spec.name] = this.#tensor(parameters.get(spec.name)!, spec.shape);
        feeds[`${inputs.velocityPrefix}${spec.name}`] = this.#tensor(velocity.get(spec.name)!, spec.shape);
      }
      const result = await trainStep.run(feeds);
      const next: HeadParameters = new Map();
      const nextVelocity: HeadParameters = new Map();
      for (const spec of this.specs) {
        next.set(spec.name, result[`${outputs.parameterPrefix}${spec.name}`]!.data as Float32Array);
        nextVelocity.set(spec.name, result[`${outputs.velocityPrefix}${spec.name}`]!.data as Float32Array);
      }
      return { losses: result[outputs.loss]!.data as Float32Array, parameters: next, velocity: nextVelocity };
    };
  }
}
