import type { Manifest } from '../artifacts/manifest.ts';
import type { LoadProgress } from '../loading/load-progress.ts';
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
}

export interface EngineInfo {
  readonly manifest: Manifest;
  readonly backend: Backend;
  /** The ONNX Runtime build and settings, e.g. "onnxruntime-web 1.30.0 (wasm, 1 thread)". */
  readonly runtime: string;
  readonly threads: number;
  /** Where the files came from: all downloaded, all from the cache, or some of each. */
  readonly source: 'network' | 'cache' | 'mixed';
  /** True when the manifest could not be fetched and a cached version was loaded instead. */
  readonly offline: boolean;
}

export interface EngineApi {
  load(request: LoadRequest, onProgress?: (event: LoadProgress) => void): Promise<EngineInfo>;
  /** `pixels` holds `count` model-ready images (784 floats each); returns count x labels probabilities. */
  classify(pixels: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}
