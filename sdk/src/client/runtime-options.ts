import { assertBackendRequest } from '../engine/backend-error.ts';
import type { LoadProgress } from '../engine/engine-protocol.ts';
import type { BackendRequest } from '../engine/ort-types.ts';
import type { RuntimeRequest } from '../engine/runtime-start.ts';
import { InputRangeError, InputTypeError } from '../errors.ts';

/** The options that pick and start the runtime, shared by loadClassifier() and preloadRuntime(). */
export interface RuntimeOptions {
  /** 'auto' (default) picks WebGPU when an adapter exists, else WASM; 'cpu' in Node. */
  readonly backend?: BackendRequest;
  /** ONNX Runtime threads (WASM needs a crossOriginIsolated page for more than 1). */
  readonly threads?: number;
  /** Cache verified files by content hash (default true): the model's, and in browsers ONNX Runtime's wasm. */
  readonly cache?: boolean;
  readonly onProgress?: (event: LoadProgress) => void;
}

/** Checks the runtime options at the boundary and fills in the defaults. */
export function resolveRuntimeOptions(options: RuntimeOptions): RuntimeRequest {
  if (options === null || typeof options !== 'object') throw new InputTypeError('options must be an object');
  const backend = options.backend ?? 'auto';
  assertBackendRequest(backend);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1 && options.threads <= 64)) {
    throw new InputRangeError(`options.threads must be an integer from 1 to 64, got ${options.threads}`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InputTypeError('options.onProgress must be a function');
  }
  if (options.cache !== undefined && typeof options.cache !== 'boolean') throw new InputTypeError('options.cache must be a boolean');
  return { backend, ...(options.threads ? { threads: options.threads } : {}), cache: options.cache ?? true };
}
