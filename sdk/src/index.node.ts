import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectNodeWorker } from './client/connect-node-worker.ts';
import { assertSource, createLoadClassifier, resolveManifestObject, type ModelSource } from './client/load-classifier.ts';
import type { SourceRequest } from './engine/engine-protocol.ts';

export * from './public-api.ts';
export { FileSampleQueue } from './samples/file-sample-queue.node.ts';

const REMOTE = /^https?:\/\//i;

function localPath(value: string): string {
  const path = value.startsWith('file:') ? fileURLToPath(value) : value;
  const absolute = isAbsolute(path) ? path : resolve(path);
  // A path to manifest.json means its directory.
  return absolute.endsWith('manifest.json') ? resolve(absolute, '..') : absolute;
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
