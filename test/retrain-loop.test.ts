import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../sdk/src/artifacts/manifest.ts';
import { loadMnistSplit } from '../scripts/data/mnist.ts';
import { shiftedSamples } from '../scripts/retrain/shifted-samples.ts';
import { uploadSamples } from '../scripts/retrain/upload-samples.ts';
import { retrainOnEdge, servedVersions, startRetrainEdge, type RetrainEdge } from './support/retrain-edge.ts';

/*
 * The loop on a real `wrangler dev`: devices send samples in a shifted hand, `npm run retrain`
 * pulls them, fine-tunes the MLP (the CNN works the same, slower), passes the gate and publishes
 * the next version, which the edge then serves. A poisoned set with a destructive config is
 * refused and publishes nothing.
 */
const MODEL = 'mnist-mlp';
const SAMPLES = 600;
let edge: RetrainEdge;
let out: string;

const retrain = (...args: string[]) => retrainOnEdge(edge, MODEL, out, args);

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'edgetune-retrain-out-'));
  edge = await startRetrainEdge([MODEL]);
  const train = await loadMnistSplit('train');
  const stored = await uploadSamples(edge.url, edge.appKey, MODEL, shiftedSamples(train, { count: SAMPLES }), 'loop-shifted');
  expect(stored.accepted).toBe(SAMPLES);
}, 600_000);

afterAll(async () => {
  await edge?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

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
