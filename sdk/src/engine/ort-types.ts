import type * as OrtCommon from 'onnxruntime-common';
import type { Backend, BackendRequest } from './engine-protocol.ts';
import type { RuntimeBytesListener } from './runtime-progress.ts';

/** The part of the ONNX Runtime JS API shared by onnxruntime-web and onnxruntime-node. */
export interface OrtModule {
  readonly InferenceSession: typeof OrtCommon.InferenceSession;
  readonly Tensor: typeof OrtCommon.Tensor;
  readonly env: typeof OrtCommon.env;
}

export type InferenceSession = OrtCommon.InferenceSession;
export type SessionOptions = OrtCommon.InferenceSession.SessionOptions;
export type OrtTensor = OrtCommon.Tensor;

export type { Backend, BackendRequest } from './engine-protocol.ts';

export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/**
 * Images per run on the CPU and WASM backends. The CNN ran 5-9% faster per image in runs of 64
 * than of 256 on onnxruntime-node (`npm run bench -- --only node` measures both).
 */
export const CPU_RUN_CHUNK = 64;

/** An ONNX Runtime build plus how to create sessions on it. */
export interface Runtime {
  readonly ort: OrtModule;
  readonly backend: Backend;
  readonly threads: number;
  readonly sessionOptions: SessionOptions;
  /**
   * Images per model.onnx run for classification; classifyBatch splits larger batches. On the CPU a
   * chunk whose activations stay in cache runs faster per image than one big run; undefined runs
   * the whole batch at once.
   */
  readonly runChunk: number | undefined;
  /**
   * The runtime's one-time set-up ahead of the first real session (browser: fetch, verify and
   * cache its wasm, then compile it and start its threads). Rejects with a code; never hangs.
   */
  readonly start?: (options: RuntimeStartOptions) => Promise<void>;
  /** The ONNX Runtime build in use, e.g. "onnxruntime-web 1.30.0 (wasm)". */
  readonly description: string;
}

export interface RuntimeStartOptions {
  /** Keep the runtime's files in the cache (browser: the Cache API) and use a cached copy. */
  readonly cache: boolean;
  readonly onBytes: RuntimeBytesListener;
  /** Work the start leaves running (the wasm's cache write); the engine lets it finish before it stops. */
  readonly keepAlive: (work: Promise<void>) => void;
}

export type RuntimeSelector = (request: BackendRequest, threads: number | undefined) => Promise<Runtime>;
