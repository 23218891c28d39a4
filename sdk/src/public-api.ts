/** What both builds export besides loadClassifier. */
export { Classifier, type ClassifyOptions } from './client/classifier.ts';
export type { ClassifierContract } from './client/classifier-contract.ts';
export { connectEdge, EdgeClassifier, type ConnectEdgeOptions } from './client/edge-classifier.ts';
export type { LoadClassifierOptions, ModelSource } from './client/load-classifier.ts';
export type { Prediction, ScoredLabel } from './client/prediction.ts';
export type { EngineInfo, LoadProgress, RuntimeInfo } from './engine/engine-protocol.ts';
export type { LoadPhase } from './loading/load-progress.ts';
export type { PreloadRuntimeOptions } from './client/preload-runtime.ts';
export type { Backend, BackendRequest } from './engine/ort-types.ts';
export type { ClassifierInput } from './input/to-model-input.ts';
export type { Manifest } from './artifacts/manifest.ts';
export { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError, isEdgetuneError, isErrorCode, type ErrorCode } from './errors.ts';
export type { PersonalizeCallOptions } from './client/classifier.ts';
export type { LabelledSample } from './client/personalize-samples.ts';
export type { PersonalizeOptions } from './personalize/personalize-options.ts';
export type { PersonalizeReport, StepProgress } from './personalize/personalize-report.ts';
export type { HeadSummary } from './heads/head-record.ts';
