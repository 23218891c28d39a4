import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The package as an app imports it: the `node` condition of package.json `exports` (dist/node).
import { connectEdge, loadClassifier, type Classifier, type LabelledSample } from 'edgetune';
import { loadMnistSplit, takeFirst, toUnitFloat } from '../scripts/data/mnist.ts';
import { freePort } from '../scripts/edge/free-port.ts';
import { publishCheckpointsLocally, publishLocally, withdrawLocally } from '../scripts/edge/publish-local.ts';
import { startWranglerDev, type WranglerDev } from '../scripts/edge/wrangler-dev.ts';
import { DirectoryStore } from '../sdk/src/loading/directory-store.node.ts';
import { openLocalBucket } from '../scripts/publish/local-bucket.ts';
import { r2ObjectStore } from '../scripts/publish/object-store.ts';
import { publishModel } from '../scripts/publish/publish-model.ts';
import { newVersionOf } from './support/model-version.ts';
import { runScript } from './support/run-script.ts';

/*
 * Rollout to devices, in Node against a real `wrangler dev` (workerd, local R2) started by this
 * test: new versions are published into its bucket while it runs, as `npm run publish` would.
 * The committed MLP is 1.1.0; the test publishes 1.2.0 and 1.3.0 (head nudged), pins, withdraws.
 */
const MODEL = 'mnist-mlp';
let stateDir: string;
let cacheDir: string;
let headsDir: string;
let dev: WranglerDev;
let url: string;
let samples: LabelledSample[];
const open: Classifier[] = [];

const load = async (options: Parameters<typeof loadClassifier>[1] = {}) => {
  const clf = await loadClassifier(url, options);
  open.push(clf);
  return clf;
};
const publish = async (version: string) => {
  const { checkpoint, headSha256 } = await newVersionOf(MODEL, version);
  await publishCheckpointsLocally([checkpoint], stateDir);
  return headSha256;
};
const cachedFiles = () => new DirectoryStore({ directory: cacheDir }).listFiles();

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'edgetune-edge-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'edgetune-cache-'));
  headsDir = await mkdtemp(join(tmpdir(), 'edgetune-heads-'));
  // Read by the SDK's worker threads when they start.
  process.env.EDGETUNE_CACHE_DIR = cacheDir;
  process.env.EDGETUNE_HEADS_DIR = headsDir;
  await publishLocally('models', [MODEL], stateDir);
  // The Worker re-reads the latest pointer and withdrawals on every request.
  dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe', vars: { LATEST_TTL_SECONDS: '0' } });
  url = `${dev.url}/v1/models/${MODEL}/manifest.json`;
  const test = takeFirst(await loadMnistSplit('test'), 40);
  const pixels = toUnitFloat(test.images);
  samples = Array.from({ length: test.count }, (_, i) => ({ input: pixels.slice(i * 784, (i + 1) * 784), label: test.labels[i]! }));
}, 240_000);

afterAll(async () => {
  await Promise.all(open.map((clf) => clf.dispose()));
  await dev?.stop();
  await Promise.all([stateDir, cacheDir, headsDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('rollout to devices (Node SDK against wrangler dev)', () => {
  it('checkForUpdate reports a new version; the next load picks it up; old cached files go once no classifier uses them', async () => {
    const first = await load();
    expect(first.version).toBe('1.1.0');
    expect(await first.checkForUpdate()).toEqual({ current: '1.1.0', latest: '1.1.0', available: false, pinned: false, nextLoad: '1.1.0', offline: false });
    const oldHead = first.manifest.files['head.safetensors'].sha256;

    const newHead = await publish('1.2.0');
    expect(await first.checkForUpdate()).toMatchObject({ current: '1.1.0', latest: '1.2.0', available: true, nextLoad: '1.2.0' });
    const second = await load();
    expect(second.version).toBe('1.2.0');
    // Only the changed file was downloaded.
    expect(second.loadedFrom).toBe('mixed');
    expect(await cachedFiles()).toEqual(expect.arrayContaining([oldHead, newHead]));

    // The first classifier still uses 1.1.0: its files stay until it is disposed.
    await first.dispose();
    const files = await cachedFiles();
    expect(files).toContain(newHead);
    expect(files).not.toContain(oldHead);
    expect(files).toHaveLength(4);
  });

  it('a head saved for the old version is reported stale, and re-personalized from the samples kept with it', async () => {
    const old = await load();
    expect(old.version).toBe('1.2.0');
    const report = await old.personalize(samples, { steps: 20 });
    const kept = await old.saveHead('alice', { keepSamples: true });
    expect(kept).toMatchObject({ key: 'alice', version: '1.2.0', keptSamples: samples.length });
    await old.saveHead('carol', { keepSamples: true });
    const plain = await old.saveHead('bob');
    expect(plain.keptSamples).toBeUndefined();

    await publish('1.3.0');
    const clf = await load();
    expect(clf.version).toBe('1.3.0');
    expect((await clf.listHeads()).map((head) => [head.key, head.stale])).toEqual([['alice', true], ['bob', true], ['carol', true]]);
    await expect(clf.loadHead('alice')).rejects.toMatchObject({ code: 'E_HEAD_STALE', message: expect.stringMatching(/saved for mnist-mlp 1\.2\.0.*repersonalize\('alice'\)/) });
    await expect(clf.loadHead('bob')).rejects.toMatchObject({ code: 'E_HEAD_STALE' });
    await expect(clf.repersonalize('bob')).rejects.toMatchObject({ code: 'E_HEAD_NO_SAMPLES' });
    await expect(clf.repersonalize('nobody')).rejects.toMatchObject({ code: 'E_HEAD_NOT_FOUND' });

    const redone = await clf.repersonalize('alice');
    expect(redone.report).toMatchObject({ samples: samples.length, steps: 20 });
    expect(redone.report.accuracyAfter).toBeGreaterThanOrEqual(report.accuracyAfter - 0.05);
    expect(redone.head).toMatchObject({ key: 'alice', model: MODEL, version: '1.3.0', keptSamples: samples.length });
    expect((await clf.listHeads()).find((head) => head.key === 'alice')).toEqual(expect.objectContaining({ version: '1.3.0', keptSamples: samples.length }));
    expect((await clf.listHeads()).find((head) => head.key === 'alice')?.stale).toBeUndefined();

    // The same in one call, and the re-personalized head loads as any other.
    const other = await load();
    await other.loadHead('carol', { repersonalize: true });
    expect((await other.listHeads()).find((head) => head.key === 'carol')?.version).toBe('1.3.0');
    await other.loadHead('alice');
    const [a, b] = [await clf.classify(samples[0]!.input), await other.classify(samples[0]!.input)];
    for (let c = 0; c < 10; c++) expect(Math.abs(a.scores[c]! - b.scores[c]!)).toBeLessThan(1e-6);
  });

  it('a pinned classifier stays on its version; checkForUpdate reports the newer one without moving it', async () => {
    const pinned = await load({ version: '1.1.0' });
    expect(pinned.version).toBe('1.1.0');
    expect(await pinned.checkForUpdate()).toEqual({ current: '1.1.0', latest: '1.3.0', available: true, pinned: true, nextLoad: '1.1.0', offline: false });
    const byUrl = await loadClassifier(`${dev.url}/v1/models/${MODEL}/1.2.0/manifest.json`);
    open.push(byUrl);
    expect(byUrl.version).toBe('1.2.0');
    expect((await byUrl.checkForUpdate()).pinned).toBe(true);
  });

  it('refuses hostile or unusable version pins before any request', async () => {
    for (const version of ['../1.1.0', '1.1', '1.1.0/../../x', '1.1.0?x=1', ' 1.1.0', '', `1.1.0-${'a'.repeat(41)}`]) {
      await expect(loadClassifier(url, { version })).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    }
    await expect(loadClassifier(url, { version: 110 as unknown as string })).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    await expect(loadClassifier('models/mnist-mlp', { version: '1.1.0' })).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    await expect(loadClassifier(`${dev.url}/v1/models/${MODEL}/1.2.0/manifest.json`, { version: '1.1.0' })).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    await expect(loadClassifier(url, { version: '9.9.9', cache: false })).rejects.toMatchObject({ code: 'E_FETCH_FAILED' });
  });

  it('a withdrawn version: devices on it are told, unpinned loads skip it, pinned loads move to the replacement', async () => {
    const onLatest = await load();
    const pinned = await load({ version: '1.3.0' });
    const edge = await connectEdge(dev.url, MODEL);
    expect([onLatest.version, pinned.version, edge.version]).toEqual(['1.3.0', '1.3.0', '1.3.0']);
    expect((await edge.checkForUpdate()).available).toBe(false);
    // As a publisher would: npm run publish -- --model mnist-mlp --withdraw 1.3.0 --reason regressed
    const withdrawn = await runScript('scripts/publish.ts', ['--model', MODEL, '--withdraw', '1.3.0', '--reason', 'regressed', '--persist-to', stateDir]);
    expect(withdrawn).toMatchObject({ code: 0, stdout: expect.stringMatching(/mnist-mlp@1\.3\.0: withdrawn: .*withdrawn versions: 1\.3\.0/) });
    const hostile = await runScript('scripts/publish.ts', ['--model', MODEL, '--withdraw', '../1.3.0', '--persist-to', stateDir]);
    expect(hostile).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error \[E_INPUT_RANGE\]: "\.\.\/1\.3\.0" is not a version/) });

    const told = await onLatest.checkForUpdate();
    expect(told).toMatchObject({ current: '1.3.0', latest: '1.2.0', available: true, nextLoad: '1.2.0', pinned: false });
    expect(told.withdrawn).toMatchObject({ version: '1.3.0', replacement: '1.2.0', message: expect.stringMatching(/regressed/) });
    expect(await pinned.checkForUpdate()).toMatchObject({ pinned: true, nextLoad: '1.2.0', withdrawn: { version: '1.3.0', replacement: '1.2.0' } });
    // The edge client (same contract) is told too, and the edge no longer classifies with 1.3.0.
    expect(await edge.checkForUpdate()).toMatchObject({ current: '1.3.0', latest: '1.2.0', available: true, withdrawn: { version: '1.3.0' } });
    await expect(edge.classify(samples[0]!.input)).rejects.toMatchObject({ code: 'E_VERSION_WITHDRAWN' });

    const moved = await load();
    expect([moved.version, moved.withdrawnVersion]).toEqual(['1.2.0', undefined]);
    const movedPin = await load({ version: '1.3.0' });
    expect([movedPin.version, movedPin.withdrawnVersion]).toEqual(['1.2.0', '1.3.0']);

    await withdrawLocally(stateDir, MODEL, '1.3.0', { restore: true });
    expect((await onLatest.checkForUpdate()).available).toBe(false);
  });

  it('loads running while a version is published each get one version or the other, complete', async () => {
    const { checkpoint } = await newVersionOf(MODEL, '1.4.0');
    const local = await openLocalBucket(stateDir);
    const loads: Array<Promise<Classifier>> = [];
    try {
      await publishModel(r2ObjectStore(local.bucket), checkpoint, { onStep: () => void loads.push(load({ cache: false })) });
    } finally {
      await local.close();
    }
    loads.push(load({ cache: false }));
    const versions = (await Promise.all(loads)).map((clf) => clf.version);
    expect(versions).toHaveLength(7);
    expect(versions.every((version) => version === '1.3.0' || version === '1.4.0')).toBe(true);
    expect(versions.at(-1)).toBe('1.4.0');
  });

  it('checkForUpdate reports an unreachable edge instead of throwing', async () => {
    const clf = await load();
    await dev.stop();
    const check = await clf.checkForUpdate();
    expect(check).toMatchObject({ current: clf.version, latest: undefined, available: false, offline: true, error: { code: 'E_FETCH_FAILED' } });
    // And the cached version still loads.
    const offline = await load();
    expect([offline.version, offline.offline]).toEqual([clf.version, true]);
  });
});
