export interface PersonalizeReport {
  readonly steps: number;
  /** Training loss (cross-entropy + L2-SP) at each step, before that step's update. */
  readonly losses: number[];
  /** Accuracy of the head on the caller's samples (not the replay set) before and after. */
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
  readonly samples: number;
  readonly replaySamples: number;
  /** The whole call in the worker: features, accuracy before/after and the steps. */
  readonly milliseconds: number;
  /** The SGD steps alone. */
  readonly trainingMilliseconds: number;
  readonly millisecondsPerStep: number;
  /** ONNX Runtime session runs per SGD step: several steps share one run (e.g. 0.05 for 20 steps in one). */
  readonly runsPerStep: number;
}

export interface StepProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
}
