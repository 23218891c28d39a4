import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The package as an app imports it: the `node` condition of package.json `exports` (dist/node).
import { loadClassifier, type Classifier, type LoadProgress } from 'edgetune';
import { loadMnistSplit, takeFirst, toUnitFloat } from '../scripts/data/mnist.ts';
import { startModelsServer, type ModelsServer } from './support/models-server.ts';

const MODELS_DIR = process.env.EDGETUNE_MODELS_DIR ?? 'models';
const CNN_DIR = resolve(MODELS_DIR, 'mnist-cnn');
const WORKER_CONNECTION = Symbol.for('edgetune.workerConnection');

/** Any image with ink: a blank one is refused. */
const stripes = () => Float32Array.from({ length: 784 }, (_, i) => (i % 28) / 27);

function argmax(values: ArrayLike<number>, offset: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

let server: ModelsServer;
let cacheDir: string;
beforeAll(async () => {
  // Each test file gets its own download cache, so "second load from cache" means this file's first load.
  process.env.EDGETUNE_CACHE_DIR = cacheDir = await mkdtemp(join(tmpdir(), 'edgetune-cache-'));
  server = await startModelsServer(MODELS_DIR);
});
afterAll(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('loadClassifier in Node, on the committed CNN', () => {
  let clf: Classifier;
  const progress: LoadProgress[] = [];

  beforeAll(async () => {
    clf = await loadClassifier(CNN_DIR, { onProgress: (event) => progress.push(event), threads: 1 });
  });
  afterAll(() => clf.dispose());

  it('reports the manifest, version and backend in use', () => {
    expect(clf.name).toBe('mnist-cnn');
    expect(clf.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(clf.backend).toBe('cpu');
    expect(clf.runtime).toMatch(/^onnxruntime-node 1\.30\.\d+ \(cpu, 1 thread\)$/);
    expect(clf.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('sends progress per file and overall, ending ready with every byte counted', () => {
    const total = Object.values(clf.manifest.files).reduce((sum, f) => sum + f.bytes, 0);
    expect(progress[0]?.phase).toBe('manifest');
    expect(progress.at(-1)).toMatchObject({ phase: 'ready', loaded: total, total });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.loaded).toBeGreaterThanOrEqual(progress[i - 1]!.loaded);
    expect(new Set(progress.filter((e) => e.file).map((e) => e.file))).toEqual(new Set(Object.keys(clf.manifest.files)));
  });

  it('classifyBatch over 1,000 MNIST test images equals onnxruntime-node run directly on model.onnx', async () => {
    const test = takeFirst(await loadMnistSplit('test'), 1000);
    const images = toUnitFloat(test.images);
    const predictions = await clf.classifyBatch(Array.from({ length: 1000 }, (_, i) => images.subarray(i * 784, (i + 1) * 784)));
    const session = await ort.InferenceSession.create(await readFile(join(CNN_DIR, 'model.onnx')));
    const direct = (await session.run({ image: new ort.Tensor('float32', images, [1000, 1, 28, 28]) })).probs!.data as Float32Array;
    let sdkCorrect = 0;
    let directCorrect = 0;
    let maxDiff = 0;
    predictions.forEach((p, i) => {
      expect(p.index).toBe(argmax(direct, i * 10, 10));
      if (p.index === test.labels[i]) sdkCorrect++;
      if (argmax(direct, i * 10, 10) === test.labels[i]) directCorrect++;
      for (let c = 0; c < 10; c++) maxDiff = Math.max(maxDiff, Math.abs(p.scores[c]! - direct[i * 10 + c]!));
    });
    expect(sdkCorrect).toBe(directCorrect);
    expect(maxDiff).toBeLessThan(1e-5);
    await session.release();
  });

  it('accepts the same digit as Float32Array, Uint8Array and an RGBA drawing', async () => {
    const test = takeFirst(await loadMnistSplit('test'), 1);
    const gray = test.images;
    const rgba = new Uint8ClampedArray(28 * 28 * 4);
    // Black ink on white, as a canvas drawing would be.
    gray.forEach((v, i) => rgba.set([255 - v, 255 - v, 255 - v, 255], i * 4));
    const [asFloat, asBytes, asDrawing] = await clf.classifyBatch([toUnitFloat(gray), gray, { data: rgba, width: 28, height: 28 }]);
    expect(asBytes!.index).toBe(asFloat!.index);
    expect(asDrawing!.index).toBe(test.labels[0]);
    expect(asFloat!.top).toHaveLength(3);
    expect(asFloat!.top[0]).toMatchObject({ label: asFloat!.label, score: asFloat!.confidence });
  });

  it.each([
    { what: 'null', input: null, type: TypeError, code: 'E_INPUT_TYPE', message: /input/ },
    { what: 'a number', input: 7, type: TypeError, code: 'E_INPUT_TYPE', message: /input/ },
    { what: 'a plain array', input: [0, 1], type: TypeError, code: 'E_INPUT_TYPE', message: /input/ },
    { what: 'a Float64Array', input: new Float64Array(784), type: TypeError, code: 'E_INPUT_TYPE', message: /Float32Array/ },
    { what: 'a short Float32Array', input: new Float32Array(10), type: RangeError, code: 'E_INPUT_RANGE', message: /input.*784/ },
    { what: 'NaN pixels', input: new Float32Array(784).fill(Number.NaN), type: RangeError, code: 'E_INPUT_RANGE', message: /input/ },
    { what: 'a blank image', input: { data: new Uint8ClampedArray(40 * 30 * 4).fill(255), width: 40, height: 30 }, type: RangeError, code: 'E_INPUT_RANGE', message: /blank/ },
    { what: 'a wrong data length', input: { data: new Uint8ClampedArray(10), width: 40, height: 30 }, type: RangeError, code: 'E_INPUT_RANGE', message: /input/ },
  ])('rejects $what with a $type.name naming the argument, never an answer', async ({ input, type, code, message }) => {
    const error = await clf.classify(input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('rejects an empty batch and names the bad element of a batch', async () => {
    await expect(clf.classifyBatch([])).rejects.toMatchObject({ name: 'RangeError', code: 'E_INPUT_RANGE' });
    await expect(clf.classifyBatch([stripes(), 'x' as never])).rejects.toMatchObject({
      name: 'TypeError',
      message: expect.stringMatching(/inputs\[1\]/),
    });
  });

  it('names a bad image deep in a streamed batch, after the chunks before it were sent, and stays usable', async () => {
    const test = takeFirst(await loadMnistSplit('test'), 300);
    const images = toUnitFloat(test.images);
    const batch = Array.from({ length: 300 }, (_, i) => images.subarray(i * 784, (i + 1) * 784));
    const expected = (await clf.classifyBatch(batch)).map((p) => p.index);
    const poisoned = [...batch];
    poisoned[200] = new Float32Array(784).fill(Number.NaN);
    await expect(clf.classifyBatch(poisoned)).rejects.toMatchObject({ code: 'E_INPUT_RANGE', message: expect.stringMatching(/inputs\[200\]/) });
    expect((await clf.classifyBatch(batch)).map((p) => p.index)).toEqual(expected);
  });

  it('gives the same predictions with ONNX Runtime on every core as on one thread', async () => {
    const test = takeFirst(await loadMnistSplit('test'), 300);
    const images = toUnitFloat(test.images);
    const batch = Array.from({ length: 300 }, (_, i) => images.subarray(i * 784, (i + 1) * 784));
    const allCores = await loadClassifier(CNN_DIR);
    try {
      const [oneThread, everyCore] = await Promise.all([clf.classifyBatch(batch), allCores.classifyBatch(batch)]);
      expect(everyCore.map((p) => p.index)).toEqual(oneThread.map((p) => p.index));
      everyCore.forEach((p, i) => expect(p.confidence).toBeCloseTo(oneThread[i]!.confidence, 5));
    } finally {
      await allCores.dispose();
    }
  });
});

describe('loadClassifier in Node, over HTTP with the download cache', () => {
  const url = (path: string) => `${server.origin}${path}`;

  it('downloads and verifies, then serves the second load from the cache (only the manifest is fetched)', async () => {
    const first = await loadClassifier(url('/models/mnist-cnn/manifest.json'));
    expect(first.loadedFrom).toBe('network');
    await first.dispose();
    const before = server.requests.length;
    const second = await loadClassifier(url('/models/mnist-cnn/manifest.json'));
    expect(second.loadedFrom).toBe('cache');
    expect(second.offline).toBe(false);
    expect(server.requests.slice(before)).toEqual(['/models/mnist-cnn/manifest.json']);
    const prediction = await second.classify(stripes());
    expect(prediction.scores).toHaveLength(10);
    await second.dispose();
  });

  it.each([
    { what: 'one byte flipped', mode: 'flip-byte', code: 'E_INTEGRITY', message: /sha256/i },
    { what: 'a truncated download', mode: 'truncate', code: 'E_INTEGRITY', message: /bytes|size/i },
    { what: 'a missing file', mode: '404', code: 'E_FETCH_FAILED', message: /404/ },
  ])('refuses $what with $code', async ({ mode, code, message }) => {
    const manifest = JSON.parse(await readFile(join(CNN_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    // No cache: the intact files cached by the test above would (rightly) be used instead.
    const error = await loadClassifier(manifest, { baseUrl: url(`/models-faults/${mode}/mnist-cnn/`), cache: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('refuses a wrong manifest with E_MANIFEST_INVALID naming the field', async () => {
    const manifest = JSON.parse(await readFile(join(CNN_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const error = await loadClassifier({ ...manifest, files: 'none' }, { baseUrl: url('/models/mnist-cnn/') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_MANIFEST_INVALID', message: expect.stringMatching(/files/) });
  });

  it('refuses a manifest with a 6,000-deep array under training, from a directory or as an object, instead of hanging', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgetune-deep-'));
    try {
      const manifest = JSON.parse(await readFile(join(CNN_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      let deep: unknown = [];
      for (let i = 0; i < 6000; i++) deep = [deep];
      const hostile = { ...manifest, training: { ...(manifest.training as object), history: deep } };
      // JSON.stringify recurses too deeply for 6,000 levels; the text is built by hand.
      const text = JSON.stringify({ ...hostile, training: { history: '@' } }).replace('"@"', `${'['.repeat(6001)}${']'.repeat(6001)}`);
      await writeFile(join(dir, 'manifest.json'), text);
      for (const file of Object.keys(manifest.files as object)) await copyFile(join(CNN_DIR, file), join(dir, file));
      await expect(loadClassifier(dir)).rejects.toMatchObject({ code: 'E_MANIFEST_INVALID', message: expect.stringMatching(/training\.history.*nests deeper/) });
      await expect(loadClassifier(hostile, { baseUrl: CNN_DIR })).rejects.toMatchObject({ code: 'E_MANIFEST_INVALID', message: expect.stringMatching(/nests deeper/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('loads the cached version when the network is down, and says so', async () => {
    const local = await startModelsServer(MODELS_DIR);
    const manifestUrl = `${local.origin}/models/mnist-cnn/manifest.json`;
    await (await loadClassifier(manifestUrl)).dispose();
    await local.close();
    const offline = await loadClassifier(manifestUrl);
    expect(offline.offline).toBe(true);
    expect(offline.loadedFrom).toBe('cache');
    await offline.dispose();
    await expect(loadClassifier(manifestUrl, { cache: false })).rejects.toMatchObject({ code: 'E_FETCH_FAILED' });
  });
});

describe('loadClassifier in Node, failure handling', () => {
  it('names the backends available here when one is asked for by name', async () => {
    await expect(loadClassifier(CNN_DIR, { backend: 'webgpu' })).rejects.toMatchObject({
      code: 'E_BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/Available here: cpu/),
    });
    await expect(loadClassifier(CNN_DIR, { backend: 'tpu' as never })).rejects.toMatchObject({
      name: 'TypeError',
      message: expect.stringMatching(/Should be one of: auto, webgpu, wasm, cpu/),
    });
  });

  it('refuses a networkTimeoutMs that is not a whole number of milliseconds from 1 to 600000', async () => {
    for (const networkTimeoutMs of [0, -5, 1.5, Number.NaN, 600_001]) {
      await expect(loadClassifier(CNN_DIR, { networkTimeoutMs })).rejects.toMatchObject({ code: 'E_INPUT_RANGE', message: expect.stringMatching(/networkTimeoutMs/) });
    }
  });

  it('rejects a missing directory with E_FETCH_FAILED saying what to pass', async () => {
    await expect(loadClassifier(join(tmpdir(), 'no-such-model'))).rejects.toMatchObject({ code: 'E_FETCH_FAILED' });
  });

  it('aborts a load with E_ABORTED', async () => {
    const controller = new AbortController();
    const loading = loadClassifier(`${server.origin}/models-faults/slow/mnist-cnn/manifest.json?delayMs=500`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(loading).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('fails calls after dispose with E_DISPOSED', async () => {
    const clf = await loadClassifier(CNN_DIR);
    await clf.dispose();
    await expect(clf.classify(stripes())).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });

  // Here the worker dies while idle; node-process-safety.test.ts kills one in the middle of a batch.
  it('restarts a worker that died while idle on the next call, reloading the model', async () => {
    const clf = await loadClassifier(CNN_DIR);
    const before = await clf.classify(stripes());
    const connection = (clf as unknown as Record<symbol, { kill(): void; crashed: Promise<Error> }>)[WORKER_CONNECTION]!;
    connection.kill();
    await expect(connection.crashed).resolves.toMatchObject({ code: 'E_WORKER_CRASHED' });
    const after = await clf.classify(stripes());
    expect(Array.from(after.scores)).toEqual(Array.from(before.scores));
    expect((clf as unknown as Record<symbol, unknown>)[WORKER_CONNECTION]).not.toBe(connection);
    await clf.dispose();
  });
});
