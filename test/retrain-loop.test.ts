import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type Classifier } from 'edgetune';
import { parseManifest } from '../sdk/src/artifacts/manifest.ts';
import { loadMnistSplit, PIXELS, type MnistSplit } from '../scripts/data/mnist.ts';
import { shiftedSamples } from '../scripts/retrain/shifted-samples.ts';
import { uploadSamples } from '../scripts/retrain/upload-samples.ts';
import type { LoadedInPage } from './support/cross-origin-app/rollout-protocol.ts';
import { retrainOnEdge, servedVersions, startRetrainEdge, type RetrainEdge } from './support/retrain-edge.ts';
import { openRolloutPage, type RolloutPage } from './support/rollout-page.ts';

/*
 * The loop on a real `wrangler dev`: devices send samples in a shifted hand, `npm run retrain`
 * pulls them, fine-tunes the MLP (the CNN works the same, slower), passes the gate and publishes
 * the next version, which the edge then serves and two devices (the SDK in Node, and in
 * Chromium) pick up, each with a head personalized on the old version that is reported stale
 * and retrained from the samples kept with it. A poisoned set with a destructive config is
 * refused and publishes nothing.
 */
const MODEL = 'mnist-mlp';
const SAMPLES = 600;
let edge: RetrainEdge;
let out: string;
let deviceDirs: string[] = [];
let nodeDevice: Classifier;
let browserDevice: RolloutPage;
let browserLoaded: LoadedInPage;
/** A user's own digits in the shifted hand (never uploaded): personalized on, then checked. */
let userSamples: MnistSplit;
let userCheck: MnistSplit;
const opened: Classifier[] = [];

const retrain = (...args: string[]) => retrainOnEdge(edge, MODEL, out, args);

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'edgetune-retrain-out-'));
  edge = await startRetrainEdge([MODEL]);
  const train = await loadMnistSplit('train');
  const stored = await uploadSamples(edge.url, edge.appKey, MODEL, shiftedSamples(train, { count: SAMPLES }), 'loop-shifted');
  expect(stored.accepted).toBe(SAMPLES);
  userSamples = shiftedSamples(train, { count: 30, offset: 2_000, seed: 3 });
  userCheck = shiftedSamples(train, { count: 300, offset: 2_100, seed: 3 });

  // Devices on 1.1.0 with a personalized head saved with its samples (the user agreed to keep them).
  deviceDirs = await Promise.all(['cache', 'heads'].map((kind) => mkdtemp(join(tmpdir(), `edgetune-loop-${kind}-`))));
  process.env.EDGETUNE_CACHE_DIR = deviceDirs[0];
  process.env.EDGETUNE_HEADS_DIR = deviceDirs[1];
  nodeDevice = await loadFromEdge();
  await nodeDevice.personalize(asLabelled(userSamples), { steps: 20 });
  await nodeDevice.saveHead('alice', { keepSamples: true });
  browserDevice = await openRolloutPage();
  browserLoaded = await browserDevice.step<LoadedInPage>({ op: 'load', url: manifestUrl() });
  expect(browserLoaded.version).toBe('1.1.0');
  await browserDevice.step({ op: 'personalize-and-save', id: browserLoaded.id, key: 'alice', ...asPlain(userSamples) });
}, 600_000);

afterAll(async () => {
  await Promise.all(opened.map((clf) => clf.dispose()));
  await browserDevice?.close();
  await edge?.close();
  await Promise.all([out, ...deviceDirs].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

const manifestUrl = () => `${edge.url}/v1/models/${MODEL}/manifest.json`;

async function loadFromEdge(): Promise<Classifier> {
  const clf = await loadClassifier(manifestUrl());
  opened.push(clf);
  return clf;
}

function image(split: MnistSplit, i: number): Uint8Array {
  return split.images.subarray(i * PIXELS, (i + 1) * PIXELS);
}

function asLabelled(split: MnistSplit): Array<{ input: Float32Array; label: string }> {
  return Array.from({ length: split.count }, (_, i) => ({ input: Float32Array.from(image(split, i), (v) => v / 255), label: String(split.labels[i]) }));
}

function asPlain(split: MnistSplit): { images: number[][]; labels: number[] } {
  return { images: Array.from({ length: split.count }, (_, i) => Array.from(image(split, i))), labels: Array.from(split.labels) };
}

async function accuracyOn(clf: Classifier, split: MnistSplit): Promise<number> {
  const predictions = await clf.classifyBatch(asLabelled(split).map((sample) => sample.input));
  return predictions.filter((prediction, i) => prediction.label === String(split.labels[i])).length / split.count;
}

describe('npm run retrain against wrangler dev', () => {
  it('retrains on shifted samples, passes the gate, publishes the next version with its provenance, and the edge serves it', async () => {
    const before = await servedVersions(edge.url, MODEL);
    const run = await retrain('--epochs', '4');
    expect(run.stderr).toMatch(/ok: MNIST test accuracy/);
    expect(run.stderr).toMatch(/ok: held-out samples/);
    expect(run.code, run.stderr).toBe(0);
    const { version, directory, published } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { version: string; directory: string; published: boolean };
    expect(published).toBe(true);
    expect(version).toBe('1.2.0');
    expect(before).toEqual({ latest: '1.1.0', versions: ['1.1.0'] });
    expect(await servedVersions(edge.url, MODEL)).toEqual({ latest: '1.2.0', versions: ['1.2.0', '1.1.0'] });

    const manifest = parseManifest(await (await fetch(`${edge.url}/v1/models/${MODEL}/manifest.json`)).json());
    expect(manifest.version).toBe('1.2.0');
    expect(manifest.testAccuracy.value).toBeGreaterThanOrEqual(0.985);
    const provenance = manifest.provenance!;
    expect(provenance).toMatchObject({ baseVersion: '1.1.0', exportCursor: { after: 0, through: SAMPLES }, samples: { skipped: 0 } });
    expect(provenance.samples.used + provenance.samples.heldOut).toBe(SAMPLES);
    expect(provenance.gate.heldOutNew).toBeGreaterThan(provenance.gate.heldOutBase);
    expect(provenance.gate.pValue).toBeLessThan(0.05);
    expect(await readFile(join(directory, 'report.md'), 'utf8')).toMatch(/Gate: passed/);
    expect(await readFile(join(directory, 'report.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline/);
  }, 600_000);

  it('the devices see the new version: the next load picks it up, reads the shifted hand better, reports the old head stale and retrains it from the kept samples', async () => {
    expect(await nodeDevice.checkForUpdate()).toMatchObject({ current: '1.1.0', latest: '1.2.0', available: true, nextLoad: '1.2.0' });
    const updated = await loadFromEdge();
    expect(updated.version).toBe('1.2.0');
    expect(updated.manifest.provenance?.baseVersion).toBe('1.1.0');
    await nodeDevice.resetHead();
    const [before, after] = [await accuracyOn(nodeDevice, userCheck), await accuracyOn(updated, userCheck)];
    expect(after).toBeGreaterThan(before);
    await expect(updated.loadHead('alice')).rejects.toMatchObject({ code: 'E_HEAD_STALE' });
    expect((await updated.listHeads()).find((head) => head.key === 'alice')).toMatchObject({ stale: true });
    const { report, head } = await updated.repersonalize('alice');
    expect(report.samples).toBe(userSamples.count);
    expect(head).toMatchObject({ version: '1.2.0', keptSamples: userSamples.count });
    await updated.loadHead('alice');

    expect(await browserDevice.step({ op: 'check', id: browserLoaded.id })).toMatchObject({ current: '1.1.0', latest: '1.2.0', available: true });
    const inBrowser = await browserDevice.step<LoadedInPage>({ op: 'load', url: manifestUrl() });
    expect(inBrowser.version).toBe('1.2.0');
    await expect(browserDevice.step({ op: 'load-head', id: inBrowser.id, key: 'alice' })).rejects.toMatchObject({ code: 'E_HEAD_STALE' });
    await browserDevice.step({ op: 'load-head', id: inBrowser.id, key: 'alice', repersonalize: true });
    const heads = await browserDevice.step<Array<{ key: string; version: string; stale?: boolean; keptSamples?: number }>>({ op: 'list-heads', id: inBrowser.id });
    expect(heads.find((head) => head.key === 'alice')).toMatchObject({ version: '1.2.0', keptSamples: userSamples.count });
    expect(heads.find((head) => head.key === 'alice')?.stale).not.toBe(true);
    expect(browserDevice.errors).toEqual([]);
  }, 300_000);

  it('refuses a retrain that loses MNIST accuracy (mislabelled samples, no replay, a high learning rate): exit 1, latest unchanged', async () => {
    const before = await servedVersions(edge.url, MODEL);
    const { through } = (await servedManifestProvenance()) ?? { through: 0 };
    const train = await loadMnistSplit('train');
    const poisoned = shiftedSamples(train, { count: 300, offset: SAMPLES, seed: 2, labelNoise: 1 });
    expect((await uploadSamples(edge.url, edge.appKey, MODEL, poisoned, 'loop-poisoned')).accepted).toBe(300);

    const run = await retrain('--after', String(through), '--replay', '0', '--layers', 'all', '--learning-rate', '0.01', '--epochs', '3');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/FAILED: MNIST test accuracy \d+\.\d+% < the bar 98\.50%/);
    expect(run.stderr).toMatch(/E_RETRAIN_REFUSED.*nothing was published/);
    expect(await servedVersions(edge.url, MODEL)).toEqual(before);
    const refused = /the gate refused mnist-mlp@(\d+\.\d+\.\d+)/.exec(run.stderr)![1]!;
    expect(before.versions).not.toContain(refused);
    for (const file of ['manifest.json', 'model.onnx']) {
      const response = await fetch(`${edge.url}/v1/models/${MODEL}/${refused}/${file}`);
      await response.arrayBuffer();
      expect(response.status).toBe(404);
    }
  }, 600_000);
});

/** The export cursor the latest served version was trained through, if it was retrained. */
async function servedManifestProvenance(): Promise<{ through: number } | undefined> {
  const manifest = parseManifest(await (await fetch(`${edge.url}/v1/models/${MODEL}/manifest.json`)).json());
  return manifest.provenance ? { through: manifest.provenance.exportCursor.through } : undefined;
}
