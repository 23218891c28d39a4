import type * as OrtCommon from 'onnxruntime-common';

/** The part of the ONNX Runtime JS API shared by onnxruntime-web and onnxruntime-node. */
export interface OrtModule {
  readonly InferenceSession: typeof OrtCommon.InferenceSession;
  readonly Tensor: typeof OrtCommon.Tensor;
  readonly env: typeof OrtCommon.env;
}

export type InferenceSession = OrtCommon.InferenceSession;
export type SessionOptions = OrtCommon.InferenceSession.SessionOptions;
export type OrtTensor = OrtCommon.Tensor;

/** What a caller may ask for. 'auto' picks the fastest available. */
export type BackendRequest = 'auto' | 'webgpu' | 'wasm' | 'cpu';
/** What actually runs. */
export type Backend = 'webgpu' | 'wasm' | 'cpu';

export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/** An ONNX Runtime build plus how to create sessions on it. */
export interface Runtime {
  readonly ort: OrtModule;
  readonly backend: Backend;
  readonly threads: number;
  readonly sessionOptions: SessionOptions;
  /** The ONNX Runtime build in use, e.g. "onnxruntime-web 1.30.0 (wasm)". */
  readonly description: string;
}

export type RuntimeSelector = (request: BackendRequest, threads: number | undefined) => Promise<Runtime>;
