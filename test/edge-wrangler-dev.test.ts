import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The package as an app imports it: the `node` condition of package.json `exports` (dist/node).
import { connectEdge, EdgetuneError, loadClassifier, type Classifier, type EdgeClassifier } from 'edgetune';
import { loadMnistSplit, PIXELS } from '../scripts/data/mnist.ts';
import { freePort } from '../scripts/edge/free-port.ts';
import { publishLocally } from '../scripts/edge/publish-local.ts';
import { startWranglerDev, type WranglerDev } from '../scripts/edge/wrangler-dev.ts';

/*
 * Against a real `wrangler dev` (workerd, local R2) that this test starts on a free port with its
 * own state directory, and stops with its whole process group.
 */
const COUNT = 20;
let stateDir: string;
let dev: WranglerDev;
let images: Uint8Array[];
let local: Classifier;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'edgetune-edge-'));
  await publishLocally('models', ['mnist-cnn'], stateDir);
  dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe' });
  const test = await loadMnistSplit('test');
  images = Array.from({ length: COUNT }, (_, i) => test.images.slice(i * PIXELS, (i + 1) * PIXELS));
  local = await loadClassifier('models/mnist-cnn', { cache: false });
}, 240_000);

afterAll(async () => {
  await local?.dispose();
  await dev?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

/** A digit as an app would draw it: 4x larger, dark ink on opaque white RGBA. */
function drawing(digit: Uint8Array): { data: Uint8ClampedArray; width: number; height: number } {
  const size = 28 * 4;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ink = digit[(y >> 2) * 28 + (x >> 2)]!;
      data.set([255 - ink, 255 - ink, 255 - ink], (y * size + x) * 4);
    }
  }
  return { data, width: size, height: size };
}

function expectSameScores(actual: Float32Array, expected: Float32Array): void {
  for (let c = 0; c < expected.length; c++) expect(Math.abs(actual[c]! - expected[c]!)).toBeLessThanOrEqual(1e-4);
}

describe('the SDK against wrangler dev', () => {
  it('loads a model from <edge>/v1/models/mnist-cnn/manifest.json (redirected, integrity checked) and classifies like the local files', async () => {
    const remote = await loadClassifier(`${dev.url}/v1/models/mnist-cnn/manifest.json`, { cache: false });
    try {
      expect(remote.name).toBe('mnist-cnn');
      expect(remote.loadedFrom).toBe('network');
      const [fromEdge, fromDisk] = [await remote.classifyBatch(images), await local.classifyBatch(images)];
      fromEdge.forEach((prediction, i) => expectSameScores(prediction.scores, fromDisk[i]!.scores));
    } finally {
      await remote.dispose();
    }
  });

  it('the edge client answers like the local Classifier, for 28x28 bytes and for a large RGBA drawing', async () => {
    const edge: EdgeClassifier = await connectEdge(dev.url, 'mnist-cnn');
    expect(edge.version).toBe(local.version);
    expect(edge.labels).toEqual(local.labels);
    const [fromEdge, fromDevice] = [await edge.classifyBatch(images), await local.classifyBatch(images)];
    fromEdge.forEach((prediction, i) => {
      expect(prediction.label).toBe(fromDevice[i]!.label);
      expect(prediction.top.map((t) => t.label)).toEqual(fromDevice[i]!.top.map((t) => t.label));
      expectSameScores(prediction.scores, fromDevice[i]!.scores);
    });
    const picture = drawing(images[3]!);
    expectSameScores((await edge.classify(picture)).scores, (await local.classify(picture)).scores);
  });

  it('the edge client fails with the same codes as the local Classifier', async () => {
    const edge = await connectEdge(dev.url, 'mnist-cnn');
    const bad = new Float32Array(784).fill(2);
    await expect(edge.classify(bad)).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    await expect(local.classify(bad)).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    const missing = await connectEdge(dev.url, 'no-such-model').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(EdgetuneError);
    expect(missing).toMatchObject({ code: 'E_NOT_FOUND' });
    await edge.dispose();
    await expect(edge.classify(images[0]!)).rejects.toMatchObject({ code: 'E_DISPOSED' });
  });
});
