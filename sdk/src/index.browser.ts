import { connectBrowserWorker } from './client/connect-worker.browser.ts';
import { assertSource, createLoadClassifier, resolveManifestObject, type ModelSource } from './client/load-classifier.ts';
import { createPreloadRuntime } from './client/preload-runtime.ts';
import type { SourceRequest } from './engine/engine-protocol.ts';

export * from './public-api.ts';
export { IndexedDbSampleQueue } from './samples/indexeddb-sample-queue.browser.ts';

function resolveBrowserSource(source: ModelSource, options: { baseUrl?: string }): SourceRequest {
  assertSource(source);
  if (typeof source === 'string' || source instanceof URL) {
    return { kind: 'url', url: new URL(source, globalThis.location?.href).href };
  }
  return resolveManifestObject(source, { ...options, baseUrl: options.baseUrl && new URL(options.baseUrl, globalThis.location?.href).href });
}

/** Loads a checkpoint into a module Web Worker running ONNX Runtime Web (WebGPU or WASM). */
export const loadClassifier = createLoadClassifier(connectBrowserWorker, resolveBrowserSource);

/** Starts the worker and ONNX Runtime Web (its wasm downloaded, cached, compiled) before a model is chosen. */
export const preloadRuntime = createPreloadRuntime(connectBrowserWorker);
