import { loadClassifier, preloadRuntime, type LoadProgress } from 'edgetune';
import {
  BARE_COLD_START_GLOBAL,
  COLD_START_GLOBAL,
  type BareColdStartSetup,
  type BarePhases,
  type BareStartTiming,
  type ColdStartRequest,
  type ProgressRecord,
  type StartFailure,
  type StartTiming,
} from '../page-protocol.ts';

/*
 * The smallest app an SDK user would ship: it imports the package by name and is bundled by
 * Vite for production (the SDK's worker, ONNX Runtime Web and its wasm become build assets),
 * then served as static files. Its cold start is what a first-time visitor waits for.
 */

function recorder(into: ProgressRecord[], start = performance.now()) {
  return ({ phase, file, fileTotal, fromCache, loaded, total }: LoadProgress) =>
    into.push({ phase, ...(file ? { file } : {}), fileTotal, fromCache, loaded, total, at: performance.now() - start });
}

async function startClassifier(request: ColdStartRequest): Promise<StartTiming | StartFailure> {
  const pixels = Float32Array.from(request.image, (value) => value / 255);
  const options = { backend: 'wasm', threads: request.threads } as const;
  try {
    let preloaded: StartTiming['preloaded'];
    if (request.preload) {
      const events: ProgressRecord[] = [];
      const info = await preloadRuntime({ ...options, onProgress: recorder(events) });
      preloaded = { runtime: info.runtime, progress: events };
    }
    const progress: ProgressRecord[] = [];
    const start = performance.now();
    const classifier = await loadClassifier(request.manifestUrl, { ...options, onProgress: recorder(progress, start) });
    const loadedMs = performance.now() - start;
    const prediction = await classifier.classify(pixels);
    const ms = performance.now() - start;
    await classifier.dispose();
    const { loadedFrom, offline, runtime } = classifier;
    return { ms, loadedMs, loadedFrom, offline, runtime, topClass: prediction.index, progress, ...(preloaded ? { preloaded } : {}) };
  } catch (error) {
    return { error: { code: (error as { code?: string }).code, message: (error as Error).message } };
  }
}

interface BareWorkerReply {
  readonly topClass: number;
  /** performance.timeOrigin + performance.now() in the worker at the end of each step. */
  readonly marks: BarePhases;
}

/** The same start without the SDK: a worker of this build running ONNX Runtime Web directly. */
function startBareOrt(setup: BareColdStartSetup): Promise<BareStartTiming> {
  const start = performance.now();
  const worker = new Worker(new URL('./bare-ort-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<BareStartTiming>((resolve, reject) => {
    worker.addEventListener('message', (event: MessageEvent<BareWorkerReply | { error: string }>) => {
      const ms = performance.now() - start;
      worker.terminate();
      if ('error' in event.data) {
        reject(new Error(event.data.error));
        return;
      }
      // The worker's clock has another origin: its marks are absolute, made relative here.
      const since = (mark: number) => mark - (performance.timeOrigin + start);
      const { marks } = event.data;
      const phases = {
        ortImported: since(marks.ortImported),
        modelFetched: since(marks.modelFetched),
        wasmInstantiated: since(marks.wasmInstantiated),
        sessionCreated: since(marks.sessionCreated),
      };
      resolve({ ms, topClass: event.data.topClass, phases });
    });
    worker.addEventListener('error', (event) => reject(new Error(event.message || 'the bare ORT worker failed to start')));
    worker.postMessage(setup);
  });
}

Object.assign(globalThis, { [COLD_START_GLOBAL]: startClassifier, [BARE_COLD_START_GLOBAL]: startBareOrt });
