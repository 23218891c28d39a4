import type { ClassifierInput } from '../input/classifier-input.ts';
import type { UpdateCheck } from '../engine/engine-protocol.ts';
import type { Prediction } from './prediction.ts';

export interface ClassifyOptions {
  /** How many ranked labels `top` holds (default 3). */
  readonly topK?: number;
}

/**
 * What every classifier offers, on the device (worker-backed) or over HTTP (the edge): apps switch
 * between them without changing call sites. Failures carry the same `code`s either way.
 */
export interface ClassifierContract {
  readonly name: string;
  readonly version: string;
  readonly labels: readonly string[];
  classify(input: ClassifierInput, options?: ClassifyOptions): Promise<Prediction>;
  classifyBatch(inputs: readonly ClassifierInput[], options?: ClassifyOptions): Promise<Prediction[]>;
  /** Whether the model's source now serves another version; reports an unreachable source instead of throwing. */
  checkForUpdate(): Promise<UpdateCheck>;
  dispose(): Promise<void>;
}
