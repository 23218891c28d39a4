import { commands } from 'vitest/browser';
import { beforeAll, describe, expect, it } from 'vitest';
// The package as a browser app imports it: the `browser` condition of package.json `exports`.
import { loadClassifier, type Classifier, type LoadProgress } from 'edgetune';

const MANIFEST = '/models/mnist-cnn/manifest.json';
const COUNT = 64;
const WORKER_CONNECTION = Symbol.for('edgetune.workerConnection');

let images: Float32Array[];
let reference: number[];

beforeAll(async () => {
  await caches.delete('edgetune-v1');
  const samples = await commands.mnistTestSamples(COUNT);
  images = Array.from({ length: COUNT }, (_, i) => Float32Array.from(samples.pixels.slice(i * 784, (i + 1) * 784), (v) => v / 255));
  reference = await commands.nodeReferenceProbs('mnist-cnn', COUNT);
});

function maxDiffFromNode(predictions: { scores: Float32Array }[]): number {
  let max = 0;
  predictions.forEach((p, i) => p.scores.forEach((v, c) => (max = Math.max(max, Math.abs(v - reference[i * 10 + c]!)))));
  return max;
}

describe.each(['wasm', 'webgpu'] as const)('the SDK in Chromium on %s', (backend) => {
  let clf: Classifier;
  const progress: LoadProgress[] = [];

  beforeAll(async () => {
    clf = await loadClassifier(MANIFEST, { backend, onProgress: (event) => progress.push(event) });
    return () => clf.dispose();
  });

  it('runs in a module worker on the backend asked for', () => {
    expect(clf.backend).toBe(backend);
    expect(clf.runtime).toMatch(new RegExp(`^onnxruntime-web 1\\.30\\.\\d+ \\(${backend}`));
  });

  it('agrees with onnxruntime-node within 1e-4 on real MNIST images', async () => {
    const predictions = await clf.classifyBatch(images);
    expect(maxDiffFromNode(predictions)).toBeLessThanOrEqual(1e-4);
  });

  it('reported download progress to the caller, ONNX Runtime’s wasm included', () => {
    expect(progress.map((e) => e.phase)).toContain('download');
    const wasm = backend === 'webgpu' ? 'ort-wasm-simd-threaded.asyncify.wasm' : 'ort-wasm-simd-threaded.wasm';
    expect(progress.filter((e) => e.phase === 'runtime').map((e) => e.file)).toContain(wasm);
    expect(progress.at(-1)).toMatchObject({ phase: 'ready' });
    expect(progress.at(-1)!.loaded).toBe(progress.at(-1)!.total);
  });
});

describe('the SDK in Chromium: loading', () => {
  it('serves the second load from the Cache API', async () => {
    await caches.delete('edgetune-v1');
    const first = await loadClassifier(MANIFEST, { backend: 'wasm' });
    expect(first.loadedFrom).toBe('network');
    await first.dispose();
    const events: LoadProgress[] = [];
    const second = await loadClassifier(MANIFEST, { backend: 'wasm', onProgress: (e) => events.push(e) });
    expect(second.loadedFrom).toBe('cache');
    expect(events.filter((e) => e.file).every((e) => e.fromCache)).toBe(true);
    await second.dispose();
  });

  it.each([
    { mode: 'flip-byte', code: 'E_INTEGRITY' },
    { mode: 'truncate', code: 'E_INTEGRITY' },
    { mode: '404', code: 'E_FETCH_FAILED' },
  ])('refuses a $mode download with $code', async ({ mode, code }) => {
    const manifest = (await (await fetch(MANIFEST)).json()) as Record<string, unknown>;
    await expect(loadClassifier(manifest, { baseUrl: `/models-faults/${mode}/mnist-cnn/`, cache: false, backend: 'wasm' })).rejects.toMatchObject({ code });
  });

  it('refuses at load, from ONNX Runtime Web session metadata, labels that do not match the model', async () => {
    const manifest = (await (await fetch(MANIFEST)).json()) as { labels: string[] } & Record<string, unknown>;
    const loading = loadClassifier({ ...manifest, labels: manifest.labels.slice(0, 5) }, { baseUrl: '/models/mnist-cnn/', cache: false, backend: 'wasm' });
    await expect(loading).rejects.toMatchObject({ code: 'E_MANIFEST_INVALID', message: expect.stringContaining('"probs" is [N,10], expected [N,5]') });
  });

  it('refuses a wrong manifest, and a backend that does not exist in browsers, listing what does', async () => {
    const manifest = (await (await fetch(MANIFEST)).json()) as Record<string, unknown>;
    await expect(loadClassifier({ ...manifest, version: 'latest' }, { baseUrl: '/models/mnist-cnn/' })).rejects.toMatchObject({
      code: 'E_MANIFEST_INVALID',
      message: expect.stringMatching(/version/),
    });
    await expect(loadClassifier(MANIFEST, { backend: 'cpu' })).rejects.toMatchObject({
      code: 'E_BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/Available here: webgpu, wasm/),
    });
  });
});

describe('the SDK in Chromium: failures', () => {
  let clf: Classifier;
  beforeAll(async () => {
    clf = await loadClassifier(MANIFEST, { backend: 'wasm' });
    return () => clf.dispose();
  });

  it('rejects bad input on the caller side with a TypeError or RangeError and a code', async () => {
    await expect(clf.classify('digit' as never)).rejects.toMatchObject({ name: 'TypeError', code: 'E_INPUT_TYPE' });
    await expect(clf.classify(new Float32Array(783))).rejects.toMatchObject({ name: 'RangeError', code: 'E_INPUT_RANGE' });
    const canvas = new OffscreenCanvas(64, 48);
    const blank = canvas.getContext('2d')!.getImageData(0, 0, 64, 48);
    await expect(clf.classify(blank)).rejects.toMatchObject({ name: 'RangeError', message: expect.stringMatching(/blank/) });
  });

  it('classifies a canvas drawing (dark ink on white) like the digit it shows', async () => {
    const canvas = new OffscreenCanvas(140, 140);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, 140, 140);
    ctx.strokeStyle = 'black';
    ctx.lineWidth = 12;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(70, 20);
    ctx.lineTo(70, 120);
    ctx.stroke();
    const prediction = await clf.classify(ctx.getImageData(0, 0, 140, 140));
    expect(prediction.label).toBe('1');
  });

  it('reports a worker killed mid-call on the pending call, then restarts it on the next call', async () => {
    const pending = clf.classifyBatch(images);
    (clf as unknown as Record<symbol, { kill(): void }>)[WORKER_CONNECTION]!.kill();
    await expect(pending).rejects.toMatchObject({ code: 'E_WORKER_CRASHED' });
    const after = await clf.classifyBatch(images.slice(0, 4));
    expect(maxDiffFromNode(after)).toBeLessThanOrEqual(1e-4);
  });

  it('fails clearly after dispose', async () => {
    const other = await loadClassifier(MANIFEST, { backend: 'wasm' });
    await other.dispose();
    await expect(other.classify(images[0]!)).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });
});
