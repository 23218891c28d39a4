import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, MemorySampleQueue, SampleUploader, type Classifier } from 'edgetune';
import { loadMnistSplit, takeFirst, toUnitFloat } from '../scripts/data/mnist.ts';

const MLP_DIR = resolve(process.env.EDGETUNE_MODELS_DIR ?? 'models', 'mnist-mlp');
let headsDir: string;
let clf: Classifier;
let images: Float32Array[];
let labels: number[];

beforeAll(async () => {
  headsDir = await mkdtemp(join(tmpdir(), 'edgetune-heads-'));
  process.env.EDGETUNE_HEADS_DIR = headsDir;
  const test = takeFirst(await loadMnistSplit('test'), 12);
  const pixels = toUnitFloat(test.images);
  images = Array.from({ length: test.count }, (_, i) => pixels.slice(i * 784, (i + 1) * 784));
  labels = Array.from(test.labels);
  clf = await loadClassifier(MLP_DIR, { threads: 1, cache: false });
});

afterAll(async () => {
  await clf?.dispose();
  await rm(headsDir, { recursive: true, force: true });
});

describe('personalize with an uploader (opt-in)', () => {
  it('queues every personalization sample, labels by name, once the head is personalized', async () => {
    const queue = new MemorySampleQueue();
    const uploader = new SampleUploader({ endpoint: 'http://127.0.0.1:9', apiKey: 'et_unused', model: clf.name, queue });
    // Labels given as indices and as names both arrive as the model's label names.
    const samples = images.map((input, i) => ({ input, label: i % 2 === 0 ? labels[i]! : clf.labels[labels[i]!]! }));
    await clf.personalize(samples, { steps: 2, uploader });
    const queued = await queue.load();
    expect(queued.map((s) => s.label)).toEqual(labels.map((l) => clf.labels[l]));
    expect(queued.every((s) => s.model === clf.name)).toBe(true);
    const first = Uint8Array.from(atob(queued[0]!.pixels), (c) => c.charCodeAt(0));
    expect(Array.from(first)).toEqual(Array.from(images[0]!, (v) => Math.round(v * 255)));
  });
});
