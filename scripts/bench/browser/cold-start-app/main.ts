import { loadClassifier } from 'edgetune';
import { COLD_START_GLOBAL, type ColdStartRequest, type StartTiming } from '../page-protocol.ts';

/*
 * The smallest app an SDK user would ship: it imports the package by name and is bundled by
 * Vite for production (the SDK's worker, ONNX Runtime Web and its wasm become build assets),
 * then served as static files. Its cold start is what a first-time visitor waits for.
 */

async function startClassifier(request: ColdStartRequest): Promise<StartTiming> {
  const pixels = Float32Array.from(request.image, (value) => value / 255);
  const start = performance.now();
  const classifier = await loadClassifier(request.manifestUrl, { backend: 'wasm', threads: request.threads });
  const prediction = await classifier.classify(pixels);
  const ms = performance.now() - start;
  await classifier.dispose();
  return { ms, loadedFrom: classifier.loadedFrom, runtime: classifier.runtime, topClass: prediction.index };
}

Object.assign(globalThis, { [COLD_START_GLOBAL]: startClassifier });
