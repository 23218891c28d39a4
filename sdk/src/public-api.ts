/** What both builds export besides loadClassifier. */
export { Classifier, type ClassifyOptions } from './client/classifier.ts';
export type { LoadClassifierOptions, ModelSource } from './client/load-classifier.ts';
export type { Prediction, ScoredLabel } from './client/prediction.ts';
export type { EngineInfo, LoadProgress } from './engine/engine-protocol.ts';
export type { Backend, BackendRequest } from './engine/ort-types.ts';
export type { ClassifierInput } from './input/to-model-input.ts';
export type { Manifest } from './artifacts/manifest.ts';
export { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError, type ErrorCode } from './errors.ts';
export type { PersonalizeCallOptions } from './client/classifier.ts';
export type { LabelledSample } from './client/personalize-samples.ts';
export type { PersonalizeOptions } from './personalize/personalize-options.ts';
export type { PersonalizeReport, StepProgress } from './personalize/personalize-report.ts';
export type { HeadSummary } from './heads/head-record.ts';
export { SampleUploader, type SampleUploaderOptions, type FlushReport } from './samples/sample-uploader.ts';
export { MemorySampleQueue, type SampleQueueStore } from './samples/sample-queue.ts';
export type { SampleRejection, SamplesResponse, SampleWire } from './samples/sample-wire.ts';
