import { runInterleaved, type Contender } from '../interleave.ts';
import type { BareOrtReply, BareOrtSetup } from './bare-ort-worker.ts';
import {
  BARE_WORKER_CONTENDER,
  DIRECT_CONTENDER,
  ECHO_CONTENDER,
  PAGE_GLOBAL,
  SDK_CONTENDER,
  type BenchPageApi,
  type LatencyReply,
  type LatencyRequest,
  type PersonalizeTimingReply,
  type PersonalizeTimingRequest,
} from './page-protocol.ts';

/*
 * Runs inside headless Chromium. The SDK comes from its published browser build, imported at
 * runtime so the page measures dist/ exactly as an app would get it. (Cold starts are measured
 * on a production build of a separate app: cold-start-app/.)
 */

type BrowserSdk = typeof import('../../../sdk/src/index.browser.ts');
type Classifier = Awaited<ReturnType<BrowserSdk['loadClassifier']>>;

const SDK_BUILD = '/dist/browser/index.js';
const sdk = (await import(/* @vite-ignore */ SDK_BUILD)) as BrowserSdk;

const CLASSES = 10;

function toUnitFloats(image: readonly number[]): Float32Array {
  return Float32Array.from(image, (value) => value / 255);
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < CLASSES; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * ONNX Runtime Web on this page's main thread, configured as the SDK's worker configures it
 * (sdk/src/engine/runtime.browser.ts). Mirrored rather than imported: that selector probes for
 * a WebGPU adapter, which would start SwiftShader inside the page being measured.
 */
async function directWasmContender(request: LatencyRequest, pixels: Float32Array) {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = request.threads;
  ort.env.logLevel = 'error';
  const response = await fetch(request.modelUrl);
  if (!response.ok) throw new Error(`GET ${request.modelUrl} answered ${response.status}`);
  const session = await ort.InferenceSession.create(new Uint8Array(await response.arrayBuffer()), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const run = async () => {
    const outputs = await session.run({ [request.inputName]: new ort.Tensor('float32', pixels, [1, 1, 28, 28]) }, [request.probsName]);
    return outputs[request.probsName]!.data as Float32Array;
  };
  return {
    contender: { name: DIRECT_CONTENDER, run } satisfies Contender,
    runtime: `onnxruntime-web ${ort.env.versions.web ?? ''} (wasm, ${request.threads} thread${request.threads === 1 ? '' : 's'}, main thread)`,
    topClass: argmax(await run()),
    release: () => session.release(),
  };
}

function echoContender(worker: Worker, pixels: Float32Array): Contender {
  return {
    name: ECHO_CONTENDER,
    run: () =>
      new Promise((resolve) => {
        worker.addEventListener('message', resolve, { once: true });
        worker.postMessage(pixels);
      }),
  };
}

async function bareWorkerContender(request: LatencyRequest, pixels: Float32Array) {
  const worker = new Worker(new URL('./bare-ort-worker.ts', import.meta.url), { type: 'module' });
  const setup: BareOrtSetup = { modelUrl: request.modelUrl, threads: request.threads, inputName: request.inputName, probsName: request.probsName };
  const reply = await new Promise<unknown>((resolve) => {
    worker.addEventListener('message', (event) => resolve(event.data), { once: true });
    worker.postMessage(setup);
  });
  if (reply !== 'ready') throw new Error(`the bare ORT worker did not start: ${String(reply)}`);
  const runMs: number[] = [];
  const contender: Contender = {
    name: BARE_WORKER_CONTENDER,
    run: () =>
      new Promise((resolve) => {
        worker.addEventListener(
          'message',
          (event: MessageEvent<BareOrtReply>) => {
            runMs.push(event.data.runMs);
            resolve(event.data.probs);
          },
          { once: true },
        );
        // A copy per call, transferred, as the SDK does.
        const copy = pixels.slice();
        worker.postMessage(copy, [copy.buffer]);
      }),
  };
  return { contender, runMs, terminate: () => worker.terminate() };
}

async function personalizeTiming(request: PersonalizeTimingRequest): Promise<PersonalizeTimingReply> {
  const classifier = await sdk.loadClassifier(request.manifestUrl, { backend: 'wasm', threads: request.threads, cache: false });
  try {
    const samples = request.labels.map((label, i) => ({ input: toUnitFloats(request.images.slice(i * 784, (i + 1) * 784)), label }));
    const options = { steps: request.steps, batchSize: request.batchSize, learningRate: 0.003, momentum: 0.9, l2Sp: 0.1 };
    const stepsMs: number[] = [];
    const callMs: number[] = [];
    for (let round = -3; round < request.rounds; round++) {
      await classifier.resetHead();
      const start = performance.now();
      const report = await classifier.personalize(samples, options);
      const elapsed = performance.now() - start;
      if (round < 0) continue;
      stepsMs.push(report.trainingMilliseconds);
      callMs.push(elapsed);
    }
    return { stepsMs, callMs, runtime: classifier.runtime };
  } finally {
    await classifier.dispose();
  }
}

function sdkContender(classifier: Classifier, pixels: Float32Array): Contender {
  return { name: SDK_CONTENDER, run: () => classifier.classify(pixels) };
}

async function wasmLatency(request: LatencyRequest): Promise<LatencyReply> {
  const pixels = toUnitFloats(request.image);
  const classifier = await sdk.loadClassifier(request.manifestUrl, { backend: 'wasm', threads: request.threads, cache: false });
  const direct = await directWasmContender(request, pixels);
  const bare = await bareWorkerContender(request, pixels);
  const echo = new Worker(new URL('./echo-worker.ts', import.meta.url), { type: 'module' });
  try {
    const sdkTop = (await classifier.classify(pixels)).index;
    const contenders = [sdkContender(classifier, pixels), direct.contender, bare.contender, echoContender(echo, pixels)];
    const samples = await runInterleaved(contenders, request);
    // Every call's run time, warm-up calls included: a diagnostic beside the timed samples.
    return {
      samples,
      bareWorkerRunMs: bare.runMs,
      runtimes: {
        [SDK_CONTENDER]: `SDK Web Worker, ${classifier.runtime}`,
        [DIRECT_CONTENDER]: direct.runtime,
        [BARE_WORKER_CONTENDER]: 'the same ORT build and settings in a plain module worker, raw postMessage',
        [ECHO_CONTENDER]: 'postMessage of the 784 floats to an idle module worker and back',
      },
      topClasses: { [SDK_CONTENDER]: sdkTop, [DIRECT_CONTENDER]: direct.topClass },
      crossOriginIsolated: self.crossOriginIsolated,
    };
  } finally {
    echo.terminate();
    bare.terminate();
    await Promise.allSettled([classifier.dispose(), direct.release()]);
  }
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return Boolean(gpu && (await gpu.requestAdapter().catch(() => null)));
}

async function webgpuLatency(request: LatencyRequest): Promise<LatencyReply | undefined> {
  if (!(await hasWebGpuAdapter())) return undefined;
  const pixels = toUnitFloats(request.image);
  const classifier = await sdk.loadClassifier(request.manifestUrl, { backend: 'webgpu', cache: false });
  try {
    const top = (await classifier.classify(pixels)).index;
    const samples = await runInterleaved([sdkContender(classifier, pixels)], request);
    return {
      samples,
      runtimes: { [SDK_CONTENDER]: `SDK Web Worker, ${classifier.runtime}` },
      topClasses: { [SDK_CONTENDER]: top },
      crossOriginIsolated: self.crossOriginIsolated,
    };
  } finally {
    await classifier.dispose();
  }
}

const api: BenchPageApi = { wasmLatency, webgpuLatency, personalizeTiming };
Object.assign(globalThis, { [PAGE_GLOBAL]: api });
