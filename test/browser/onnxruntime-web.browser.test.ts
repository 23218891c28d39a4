import { commands } from 'vitest/browser';
import { describe, expect, it } from 'vitest';
import type { OrtBackend, OrtRunReply, OrtRunSuccess } from './fixtures/ort-worker-protocol.ts';

const MODEL_URL = '/models/mnist-cnn/model.onnx';
const SAMPLE_COUNT = 8;
const CLASSES = 10;

// TypeScript's DOM lib has no WebGPU types yet; this is the slice the test reads.
interface GpuAdapterLike {
  readonly info?: { readonly vendor: string; readonly architecture: string; readonly description: string };
}
interface NavigatorWithGpu {
  readonly gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> };
}

async function sampleImages(): Promise<Float32Array> {
  const { pixels } = await commands.mnistTestSamples(SAMPLE_COUNT);
  return Float32Array.from(pixels, (pixel) => pixel / 255);
}

function runInWorker(backend: OrtBackend, images: Float32Array): Promise<OrtRunSuccess> {
  const worker = new Worker(new URL('./fixtures/ort-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<OrtRunSuccess>((resolve, reject) => {
    worker.addEventListener('message', (event: MessageEvent<OrtRunReply>) => {
      const reply = event.data;
      if (reply.ok) resolve(reply);
      else reject(new Error(`${backend} worker failed: ${reply.message}\n${reply.stack ?? ''}`));
    });
    worker.addEventListener('error', (event) => reject(new Error(`${backend} worker crashed: ${event.message}`)));
    worker.postMessage({ backend, modelUrl: MODEL_URL, images, count: SAMPLE_COUNT });
  }).finally(() => worker.terminate());
}

// Each backend runs once; several tests read the same result.
const runs = new Map<OrtBackend, Promise<OrtRunSuccess>>();
function runOnce(backend: OrtBackend): Promise<OrtRunSuccess> {
  let run = runs.get(backend);
  if (!run) {
    run = sampleImages().then((images) => runInWorker(backend, images));
    runs.set(backend, run);
  }
  return run;
}

function expectProbabilityRows(probs: Float32Array): void {
  for (let row = 0; row < SAMPLE_COUNT; row++) {
    const values = Array.from(probs.subarray(row * CLASSES, (row + 1) * CLASSES));
    for (const value of values) expect(value).toBeGreaterThanOrEqual(0);
    expect(values.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 5);
  }
}

describe('the browser test page', () => {
  it('is cross-origin isolated, so ONNX Runtime may use SharedArrayBuffer threads', () => {
    expect(self.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  it('gets a WebGPU adapter from headless Chromium (SwiftShader)', async () => {
    const gpu = (navigator as NavigatorWithGpu).gpu;
    expect(gpu, 'navigator.gpu is missing: is --enable-unsafe-webgpu passed to Chromium?').toBeDefined();
    const adapter = await gpu?.requestAdapter();
    expect(adapter, 'requestAdapter() returned null').toBeTruthy();
    // GPUAdapterInfo fields are prototype getters, so JSON.stringify(info) would print {}.
    const info = adapter?.info;
    console.info(`WebGPU adapter: vendor=${info?.vendor} architecture=${info?.architecture} description=${info?.description}`);
  });
});

describe('onnxruntime-web in a module worker runs mnist-cnn on real MNIST images', () => {
  it('with the wasm execution provider', async () => {
    const run = await runOnce('wasm');
    expect(run.workerCrossOriginIsolated).toBe(true);
    expect(run.inputNames).toContain('image');
    expect(run.outputNames).toEqual(expect.arrayContaining(['probs', 'features']));
    expect(run.probsShape).toEqual([SAMPLE_COUNT, CLASSES]);
    expectProbabilityRows(run.probs);
  });

  it('with the webgpu execution provider, agreeing with wasm within 1e-4', async () => {
    const [wasm, webgpu] = await Promise.all([runOnce('wasm'), runOnce('webgpu')]);
    expect(webgpu.probsShape).toEqual([SAMPLE_COUNT, CLASSES]);
    expectProbabilityRows(webgpu.probs);
    const largestGap = webgpu.probs.reduce((gap, value, i) => Math.max(gap, Math.abs(value - (wasm.probs[i] ?? Number.NaN))), 0);
    expect(largestGap).toBeLessThan(1e-4);
    console.info(`largest |webgpu - wasm| ${largestGap.toExponential(2)}; session create / run ms: wasm ${wasm.sessionMs.toFixed(0)} / ${wasm.runMs.toFixed(0)}, webgpu ${webgpu.sessionMs.toFixed(0)} / ${webgpu.runMs.toFixed(0)}`);
  });
});
