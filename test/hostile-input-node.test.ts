import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The package as an app imports it (dist/node).
import { loadClassifier, type Classifier } from 'edgetune';
import { loadMnistSplit, takeFirst, toUnitFloat } from '../scripts/data/mnist.ts';
import { decodeSafetensors, encodeSafetensors } from '../sdk/src/artifacts/safetensors.ts';
import { DirectoryHeadStore } from '../sdk/src/heads/directory-head-store.node.ts';

const MODELS_DIR = process.env.EDGETUNE_MODELS_DIR ?? 'models';
const CNN_DIR = resolve(MODELS_DIR, 'mnist-cnn');
const CHECKPOINT_FILES = ['model.onnx', 'head.onnx', 'train-step.onnx', 'head.safetensors'];

let scratch: string;
let digit: Float32Array;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'edgetune-hostile-'));
  process.env.EDGETUNE_HEADS_DIR = join(scratch, 'heads');
  process.env.EDGETUNE_CACHE_DIR = join(scratch, 'cache');
  digit = toUnitFloat(takeFirst(await loadMnistSplit('test'), 1).images);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A copy of the CNN checkpoint in its own directory, so a test can edit it. */
async function copyOfCnn(name: string): Promise<string> {
  const directory = join(scratch, name);
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  for (const file of [...CHECKPOINT_FILES, 'manifest.json']) await copyFile(join(CNN_DIR, file), join(directory, file));
  return directory;
}

describe('a path to a manifest file', () => {
  it('loads exactly the file named, not the manifest.json beside it', async () => {
    const directory = await copyOfCnn('named-manifest');
    const manifest = JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8'));
    await writeFile(join(directory, 'other-manifest.json'), JSON.stringify({ ...manifest, version: '9.9.9' }));
    const clf = await loadClassifier(join(directory, 'other-manifest.json'), { threads: 1 });
    expect(clf.version).toBe('9.9.9');
    await clf.dispose();
  });

  it('fails with E_FETCH_FAILED when the named manifest does not exist, even beside a manifest.json', async () => {
    await expect(loadClassifier(join(CNN_DIR, 'mlp-manifest.json'), { threads: 1 })).rejects.toMatchObject({
      code: 'E_FETCH_FAILED',
      message: expect.stringContaining('mlp-manifest.json does not exist'),
    });
  });
});

describe('a manifest that does not describe its files', () => {
  async function sha256(path: string): Promise<{ sha256: string; bytes: number }> {
    const bytes = await readFile(path);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  }

  it("refuses the MLP's model.onnx in the CNN's manifest (hashes updated) at load, with E_MANIFEST_INVALID", async () => {
    const directory = await copyOfCnn('swapped-model');
    await copyFile(join(MODELS_DIR, 'mnist-mlp', 'model.onnx'), join(directory, 'model.onnx'));
    const manifest = JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8'));
    manifest.files['model.onnx'] = await sha256(join(directory, 'model.onnx'));
    await writeFile(join(directory, 'manifest.json'), JSON.stringify(manifest));
    await expect(loadClassifier(directory, { threads: 1 })).rejects.toMatchObject({
      code: 'E_MANIFEST_INVALID',
      message: expect.stringContaining('model.onnx output "features" is [N,256], expected [N,128]'),
    });
  });

  it.each([5, 12])('refuses %i labels for a 10-class model at load', async (count) => {
    const directory = await copyOfCnn(`labels-${count}`);
    const manifest = JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8'));
    manifest.labels = Array.from({ length: count }, (_, i) => String(i));
    await writeFile(join(directory, 'manifest.json'), JSON.stringify(manifest));
    await expect(loadClassifier(directory, { threads: 1 })).rejects.toMatchObject({
      code: 'E_MANIFEST_INVALID',
      message: expect.stringContaining(`expected [N,${count}]`),
    });
  });

  it("refuses the MLP's train-step.onnx in the CNN's checkpoint at the first personalize, with a code", async () => {
    const directory = await copyOfCnn('swapped-train-step');
    await copyFile(join(MODELS_DIR, 'mnist-mlp', 'train-step.onnx'), join(directory, 'train-step.onnx'));
    const manifest = JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8'));
    manifest.files['train-step.onnx'] = await sha256(join(directory, 'train-step.onnx'));
    await writeFile(join(directory, 'manifest.json'), JSON.stringify(manifest));
    const clf = await loadClassifier(directory, { threads: 1 });
    try {
      await expect(clf.personalize([{ input: digit, label: '7' }], { steps: 2 })).rejects.toMatchObject({ code: 'E_MANIFEST_INVALID' });
      expect((await clf.classify(digit)).label).toBe('7');
    } finally {
      await clf.dispose();
    }
  });
});

describe('an image with no ink', () => {
  it('is refused with E_INPUT_RANGE in every form, never classified', async () => {
    const clf = await loadClassifier(CNN_DIR, { threads: 1 });
    try {
      for (const blank of [
        new Uint8Array(784),
        new Uint8ClampedArray(784).fill(255),
        new Float32Array(784),
        new Float32Array(784).fill(0.5),
        { data: new Uint8ClampedArray(28 * 28 * 4).fill(255), width: 28, height: 28 },
      ]) {
        await expect(clf.classify(blank)).rejects.toMatchObject({ name: 'RangeError', code: 'E_INPUT_RANGE', message: 'input contains no ink (the image is blank)' });
      }
      await expect(clf.personalize([{ input: new Uint8Array(784), label: '1' }])).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
      expect((await clf.classify(digit)).scores).toHaveLength(10);
    } finally {
      await clf.dispose();
    }
  });
});

describe('importHead', () => {
  let clf: Classifier;
  beforeAll(async () => {
    clf = await loadClassifier(CNN_DIR, { threads: 1 });
  });
  afterAll(() => clf.dispose());

  it('refuses heads with NaN or infinite weights, from importHead and loadHead, and keeps classifying as before', async () => {
    await clf.resetHead();
    const before = await clf.classify(digit);
    const { tensors, metadata } = decodeSafetensors(await clf.exportHead());
    for (const poison of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const poisoned = new Map([...tensors].map(([name, tensor]) => [name, { shape: tensor.shape, data: tensor.data.slice() }]));
      poisoned.get('head.0.bias')!.data[3] = poison;
      const bytes = encodeSafetensors(poisoned, metadata);
      await expect(clf.importHead(bytes)).rejects.toMatchObject({ code: 'E_HEAD_INVALID', message: expect.stringContaining('head.0.bias[3]') });

      const key = `poisoned-${poison}`;
      const { model, version } = metadata as { model: string; version: string };
      await new DirectoryHeadStore().save({ key, model, version, savedAt: new Date().toISOString(), bytes });
      await expect(clf.loadHead(key)).rejects.toMatchObject({ code: 'E_HEAD_INVALID' });
    }
    const after = await clf.classify(digit);
    expect(after.label).toBe(before.label);
    expect(Number.isFinite(after.confidence)).toBe(true);
  });

  it('refuses a head whose header length was cut short by a byte', async () => {
    const bytes = await clf.exportHead();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(0, view.getUint32(0, true) - 1, true);
    await expect(clf.importHead(bytes)).rejects.toMatchObject({ code: 'E_HEAD_INVALID', message: expect.stringContaining('data section') });
  });

  it("leaves the caller's Node Buffer intact", async () => {
    const exported = await clf.exportHead();
    const buffer = Buffer.from(exported);
    await clf.importHead(buffer);
    expect(buffer.length).toBe(exported.length);
    expect(buffer.equals(Buffer.from(exported))).toBe(true);
    // A small Buffer from Node's shared pool: detaching it would empty unrelated Buffers too.
    const neighbour = Buffer.from('neighbour');
    await expect(clf.importHead(Buffer.from('not a head'))).rejects.toMatchObject({ code: 'E_HEAD_INVALID' });
    expect(neighbour.toString()).toBe('neighbour');
  });
});
