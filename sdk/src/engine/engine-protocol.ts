import type { Manifest } from '../artifacts/manifest.ts';
import type { HeadSummary } from '../heads/head-record.ts';
import type { LoadProgress } from '../loading/load-progress.ts';
import type { ResolvedPersonalizeOptions } from '../personalize/personalize-options.ts';
import type { PersonalizeReport, StepProgress } from '../personalize/personalize-report.ts';
import type { Backend, BackendRequest } from './ort-types.ts';

export type { LoadProgress } from '../loading/load-progress.ts';

/*
 * The messages between the caller's thread and the worker hosting ONNX Runtime. Plain data only:
 * it crosses postMessage (structured clone, typed arrays transferred).
 */

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
}

export interface PersonalizeRequest {
  /** `labels.length` model-ready images, 784 floats each. */
  readonly pixels: Float32Array;
  /** Label indices into manifest.labels. */
  readonly labels: Int32Array;
  readonly replay?: { readonly pixels: Float32Array; readonly labels: Int32Array };
  readonly options: ResolvedPersonalizeOptions;
  /** Names this call for cancel(): unique per connection. */
  readonly callId: number;
}

/** What personalize() hands back: the report, and the new head so the caller can restore it after a worker restart. */
export interface PersonalizeResult {
  readonly report: PersonalizeReport;
  /** The head after training, as exportHead() would return it. */
  readonly head: Uint8Array;
}

export interface EngineApi {
  load(request: LoadRequest, onProgress?: (event: LoadProgress) => void): Promise<EngineInfo>;
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
  saveHead(key: string): Promise<HeadSummary>;
  /** Installs the head saved under `key` and returns its bytes (for restoring after a worker restart). */
  loadHead(key: string): Promise<Uint8Array>;
  listHeads(): Promise<HeadSummary[]>;
  deleteHead(key: string): Promise<boolean>;
  /** Queued calls fail with E_DISPOSED, a running personalize() stops at its next step, the run in flight finishes; then the sessions are released. */
  dispose(): Promise<void>;
}
