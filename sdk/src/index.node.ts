import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectNodeWorker } from './client/connect-worker.node.ts';
import { assertSource, createLoadClassifier, resolveManifestObject, type ModelSource } from './client/load-classifier.ts';
import { createPreloadRuntime } from './client/preload-runtime.ts';
import type { SourceRequest } from './engine/engine-protocol.ts';

export * from './public-api.ts';
export { FileSampleQueue } from './samples/file-sample-queue.node.ts';

const REMOTE = /^https?:\/\//i;

/** The absolute path, exactly as named: the worker reads a .json path as the manifest, a directory as a checkpoint. */
function localPath(value: string): string {
  const path = value.startsWith('file:') ? fileURLToPath(value) : value;
  return isAbsolute(path) ? path : resolve(path);
}

function resolveNodeSource(source: ModelSource, options: { baseUrl?: string }): SourceRequest {
  assertSource(source);
  if (typeof source === 'string' || source instanceof URL) {
    const text = source.toString();
    return REMOTE.test(text) ? { kind: 'url', url: text } : { kind: 'directory', path: localPath(text) };
  }
  const baseUrl = options.baseUrl && !REMOTE.test(options.baseUrl) ? localPath(options.baseUrl) : options.baseUrl;
  return resolveManifestObject(source, { ...options, ...(baseUrl ? { baseUrl } : {}) });
}

/** Loads a checkpoint into a worker_thread running onnxruntime-node. */
export const loadClassifier = createLoadClassifier(connectNodeWorker, resolveNodeSource);

/** Starts the worker thread and onnxruntime-node before a model is chosen. */
export const preloadRuntime = createPreloadRuntime(connectNodeWorker);
