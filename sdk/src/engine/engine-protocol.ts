
/*
 * The messages between the caller's thread and the worker hosting ONNX Runtime, and every data
 * type they carry. Plain data only (it crosses postMessage: structured clone, typed arrays
 * transferred), and self-contained: this module imports nothing, so the wire format can be read
 * here alone. The modules that produce these values re-export the types they own.
 */

/** What a caller may ask for. 'auto' picks the fastest available. */
export type BackendRequest = 'auto' | 'webgpu' | 'wasm' | 'cpu';
/** What actually runs. */
export type Backend = 'webgpu' | 'wasm' | 'cpu';

// ---- manifest.json, as validated by artifacts/manifest.ts ----

/** Every file of a checkpoint except manifest.json itself. */
export type CheckpointFileName = 'model.onnx' | 'head.onnx' | 'train-step.onnx' | 'head.safetensors';

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export interface TensorSpec {
  name: string;
  /** null marks the dynamic batch dimension. */
  shape: Array<number | null>;
}

export interface TestAccuracy {
  value: number;
  correct: number;
  total: number;
  dataset: string;
  runtime: string;
  file: string;
}

export interface TrainStepNaming {
  inputs: {
    features: string;
    labels: string;
    learningRate: string;
    momentum: string;
    l2Sp: string;
    /** Input `${velocityPrefix}${param}`: the momentum buffer of each head parameter. */
    velocityPrefix: string;
    /** Input `${anchorPrefix}${param}`: the pretrained value L2-SP pulls towards. */
    anchorPrefix: string;
  };
  outputs: {
    loss: string;
    /** Output `${parameterPrefix}${param}`: the updated parameter. */
    parameterPrefix: string;
    velocityPrefix: string;
  };
}

/** How a retrained version was made (`npm run retrain`): absent from checkpoints trained from scratch. */
export interface RetrainProvenance {
  /** The version it was fine-tuned from. */
  baseVersion: string;
  /** Samples from the edge's export: trained on, held out for the gate, skipped as invalid. */
  samples: { used: number; heldOut: number; skipped: number };
  /** The export was read after seq `after` through seq `through` (the next retrain's starting point). */
  exportCursor: { after: number; through: number };
  /** MNIST training images replayed per epoch beside the samples. */
  replayImages: number;
  /** Layers, epochs, learning rate and the rest, as run. */
  config: Record<string, unknown>;
  /** The figures the gate passed on. */
  gate: { mnistAccuracy: number; mnistBar: number; heldOutBase: number; heldOutNew: number; pValue: number };
}

export interface Manifest {
  manifestVersion: 1;
  name: string;
  version: string;
  createdAt: string;
  labels: string[];
  input: {
    name: string;
    shape: Array<number | null>;
    dtype: 'float32';
    layout: 'NCHW';
    range: [number, number];
    polarity: 'white-on-black';
    preprocessing: string;
  };
  outputs: { probs: TensorSpec; features: TensorSpec };
  featureSize: number;
  head: {
    layers: number;
    parameters: TensorSpec[];
    /** head.onnx: `features` plus every parameter as inputs; outputs `probs` and `logits`. */
    outputs: { probs: string; logits: string };
    trainStep: TrainStepNaming;
  };
  testAccuracy: TestAccuracy;
  training: Record<string, unknown>;
  /** 2 x multiply-adds of model.onnx for one image. */
  flops: number;
  files: Record<CheckpointFileName, FileDigest> & Record<string, FileDigest>;
  provenance?: RetrainProvenance;
}

// ---- progress and reports ----

export type LoadPhase = 'runtime' | 'manifest' | 'download' | 'verify' | 'ready';

/**
 * - `runtime`: bytes of ONNX Runtime's wasm (`file`) arrived, or were read from the cache
 *   (`fromCache: true`, in one event). Only browsers download a runtime, once per worker.
 * - `manifest`: the manifest is known; its file sizes join `total`.
 * - `download`: bytes of `file` arrived. A cached file is verified first, then reported in one
 *   event with `fromCache: true`.
 * - `verify`: a downloaded `file` is complete and its sha256 is being checked.
 * - `ready`: every file is verified and the runtime has started; `loaded === total`.
 * `loaded` counts the runtime and model bytes so far and never decreases, nor does a file's
 * `fileLoaded`; `total` grows once, when the manifest is known. Events without a file carry 0
 * file bytes.
 */
export interface LoadProgress {
  readonly phase: LoadPhase;
  readonly file?: string;
  readonly fileLoaded: number;
  readonly fileTotal: number;
  readonly loaded: number;
  readonly total: number;
  readonly fromCache: boolean;
}

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

export interface HeadSummary {
  readonly key: string;
  readonly model: string;
  readonly version: string;
  readonly savedAt: string;
  readonly byteLength: number;
  readonly steps?: number;
  readonly samples?: number;
  /** Samples kept with the head for re-personalization (saveHead(key, { keepSamples: true })). */
  readonly keptSamples?: number;
  /** From listHeads(): saved for another version of the classifier's model (loadHead refuses it with E_HEAD_STALE). */
  readonly stale?: boolean;
}

/** Personalization settings, every one resolved (see PersonalizeOptions for their meaning). */
export interface PersonalizeSettings {
  readonly steps: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly momentum: number;
  readonly l2Sp: number;
  readonly seed: number;
}

// ---- messages ----

export type SourceRequest =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'directory'; readonly path: string }
  | { readonly kind: 'manifest'; readonly manifest: unknown; readonly baseUrl: string };

export interface LoadRequest {
  readonly source: SourceRequest;
  readonly backend: BackendRequest;
  readonly threads?: number;
  readonly cache: boolean;
  /** How long a download may make no progress; see LoadClassifierOptions.networkTimeoutMs. */
  readonly networkTimeoutMs?: number;
}

/** What preloadRuntime() started. */
export interface RuntimeInfo {
  readonly backend: Backend;
  /** The ONNX Runtime build and settings, e.g. "onnxruntime-web 1.30.0 (wasm, 2 threads)". */
  readonly runtime: string;
  readonly threads: number;
}

export interface EngineInfo {
  readonly manifest: Manifest;
  readonly backend: Backend;
  /** The ONNX Runtime build and settings, e.g. "onnxruntime-web 1.30.0 (wasm, 1 thread)". */
  readonly runtime: string;
  readonly threads: number;
  /**
   * Images per classify call that make one model run (undefined: any number). classifyBatch
   * sends a large batch in calls of this size, preparing the next while the worker runs one.
   */
  readonly runChunk: number | undefined;
  /** Where the files came from: all downloaded, all from the cache, or some of each. */
  readonly source: 'network' | 'cache' | 'mixed';
  /** True when the manifest could not be fetched and a cached version was loaded instead. */
  readonly offline: boolean;
  /** The version asked for was withdrawn at the edge; its replacement (manifest.version) was loaded. */
  readonly withdrawn?: { readonly version: string; readonly replacement: string };
}

/** What checkForUpdate() found at the source a classifier was loaded from. */
export interface UpdateCheck {
  /** The version this classifier runs. */
  readonly current: string;
  /** The version the source serves as latest now (on the edge: the newest not withdrawn); undefined when unknown. */
  readonly latest: string | undefined;
  /** `latest` is another version than `current`: newer, or the one that replaces a withdrawn `current`. */
  readonly available: boolean;
  /** The classifier was loaded from a versioned edge URL (options.version): loads stay on `current` unless it is withdrawn. */
  readonly pinned: boolean;
  /** The version the next loadClassifier() with the same source and options gets; undefined when unknown. */
  readonly nextLoad: string | undefined;
  /** Present when `current` was withdrawn at the edge. */
  readonly withdrawn?: { readonly version: string; readonly replacement?: string; readonly message: string };
  /** The source could not be reached (network down, server failing): nothing is known. */
  readonly offline: boolean;
  /** Why the source could not answer, when it could not. */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface PersonalizeRequest {
  /** `labels.length` model-ready images, 784 floats each. */
  readonly pixels: Float32Array;
  /** Label indices into manifest.labels. */
  readonly labels: Int32Array;
  readonly replay?: { readonly pixels: Float32Array; readonly labels: Int32Array };
  readonly options: PersonalizeSettings;
  /** Names this call for cancel(): unique per connection. */
  readonly callId: number;
}

/** What personalize() hands back: the report, and the new head so the caller can restore it after a worker restart. */
export interface PersonalizeResult {
  readonly report: PersonalizeReport;
  /** The head after training, as exportHead() would return it. */
  readonly head: Uint8Array;
}

/** repersonalize(): the head saved under `key` retrained on this version from the samples kept with it. */
export interface RepersonalizeRequest {
  readonly key: string;
  /** Overrides of the settings stored with the samples (validated in the worker). */
  readonly overrides: Partial<PersonalizeSettings>;
  readonly callId: number;
}

export interface RepersonalizeResult extends PersonalizeResult {
  /** The new head as saved under the same key, its samples kept. */
  readonly saved: HeadSummary;
}

export interface EngineApi {
  load(request: LoadRequest, onProgress?: (event: LoadProgress) => void): Promise<EngineInfo>;
  /** Asks the loaded model's source which version a new load would get; never throws for an unreachable source. */
  checkForUpdate(): Promise<UpdateCheck>;
  /** Starts the runtime ahead of load() (which then reuses it); progress has phase 'runtime', then 'ready'. */
  startRuntime(request: Pick<LoadRequest, 'backend' | 'threads' | 'cache'>, onProgress?: (event: LoadProgress) => void): Promise<RuntimeInfo>;
  /** `pixels` holds `count` model-ready images (784 floats each); returns count x labels probabilities. */
  classify(pixels: Float32Array, count: number): Promise<Float32Array>;
  personalize(request: PersonalizeRequest, onStep?: (progress: StepProgress) => void): Promise<PersonalizeResult>;
  /** Cancels personalize call `callId`: a queued one never starts, a running one stops before its next step; the head stays as it was. */
  cancel(callId: number): void;
  resetHead(): Promise<void>;
  exportHead(): Promise<Uint8Array>;
  importHead(bytes: Uint8Array): Promise<void>;
  /** `keepSamples`: store the samples of the head's personalization with it, for repersonalize(). */
  saveHead(key: string, options?: { keepSamples?: boolean }): Promise<HeadSummary>;
  repersonalize(request: RepersonalizeRequest, onStep?: (progress: StepProgress) => void): Promise<RepersonalizeResult>;
  /** Installs the head saved under `key` and returns its bytes (for restoring after a worker restart). */
  loadHead(key: string): Promise<Uint8Array>;
  listHeads(): Promise<HeadSummary[]>;
  deleteHead(key: string): Promise<boolean>;
  /** Queued calls fail with E_DISPOSED, a running personalize() stops at its next step, the run in flight finishes; then the sessions are released. */
  dispose(): Promise<void>;
}
