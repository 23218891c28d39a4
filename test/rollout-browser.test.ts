import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, takeFirst } from '../scripts/data/mnist.ts';
import { freePort } from '../scripts/edge/free-port.ts';
import { publishCheckpointsLocally, publishLocally, withdrawLocally } from '../scripts/edge/publish-local.ts';
import { startWranglerDev, type WranglerDev } from '../scripts/edge/wrangler-dev.ts';
import type { LoadedInPage, RolloutStep } from './support/cross-origin-app/rollout-protocol.ts';
import { newVersionOf } from './support/model-version.ts';
import { openRolloutPage, type RolloutPage } from './support/rollout-page.ts';

/*
 * Rollout to a browser: a production build of an app importing `edgetune` (crossOriginIsolated,
 * on another origin than the edge) in headless Chromium, with its Cache API and IndexedDB kept
 * across the steps, against a real `wrangler dev` that gets new versions published while it runs.
 */
const MODEL = 'mnist-mlp';
let stateDir: string;
let dev: WranglerDev;
let device: RolloutPage;
let url: string;

const step = <T>(request: RolloutStep): Promise<T> => device.step<T>(request);

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'edgetune-edge-'));
  await publishLocally('models', [MODEL], stateDir);
  dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe', vars: { LATEST_TTL_SECONDS: '0' } });
  url = `${dev.url}/v1/models/${MODEL}/manifest.json`;
  device = await openRolloutPage();
}, 240_000);

afterAll(async () => {
  await device?.close();
  await dev?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('rollout to a browser (Chromium, Cache API and IndexedDB)', () => {
  it('picks up a new version, deletes old cached files once unused, reports a stale head and re-personalizes it', async () => {
    const test = takeFirst(await loadMnistSplit('test'), 30);
    const images = Array.from({ length: test.count }, (_, i) => Array.from(test.images.subarray(i * 784, (i + 1) * 784)));
    const labels = Array.from(test.labels);

    const first = await step<LoadedInPage>({ op: 'load', url });
    expect(first).toMatchObject({ version: '1.1.0', loadedFrom: 'network' });
    const saved = await step<{ saved: { version: string; keptSamples: number } }>({ op: 'personalize-and-save', id: first.id, key: 'alice', images, labels });
    expect(saved.saved).toMatchObject({ version: '1.1.0', keptSamples: test.count });

    const { checkpoint } = await newVersionOf(MODEL, '1.2.0');
    await publishCheckpointsLocally([checkpoint], stateDir);
    expect(await step({ op: 'check', id: first.id })).toEqual({ current: '1.1.0', latest: '1.2.0', available: true, pinned: false, nextLoad: '1.2.0', offline: false });

    const second = await step<LoadedInPage>({ op: 'load', url });
    expect(second).toMatchObject({ version: '1.2.0', loadedFrom: 'mixed' });
    // The new files are written to the cache just after the load resolves, off its critical path.
    await expect.poll(() => step<string[]>({ op: 'cached-files' })).toEqual(expect.arrayContaining([first.headSha256, second.headSha256]));
    await step({ op: 'dispose', id: first.id });
    const files = await step<string[]>({ op: 'cached-files' });
    expect(files).toContain(second.headSha256);
    expect(files).not.toContain(first.headSha256);

    await expect(step({ op: 'load-head', id: second.id, key: 'alice' })).rejects.toMatchObject({ code: 'E_HEAD_STALE' });
    const redone = await step<{ report: { samples: number }; head: { version: string; keptSamples: number } }>({ op: 'repersonalize', id: second.id, key: 'alice' });
    expect(redone).toMatchObject({ report: { samples: test.count }, head: { version: '1.2.0', keptSamples: test.count } });
    await step({ op: 'load-head', id: second.id, key: 'alice' });
    expect(device.errors).toEqual([]);
  });

  it('a pinned version stays put until it is withdrawn, then moves to the replacement', async () => {
    const pinned = await step<LoadedInPage>({ op: 'load', url, version: '1.1.0' });
    expect(pinned.version).toBe('1.1.0');
    expect(await step({ op: 'check', id: pinned.id })).toMatchObject({ pinned: true, latest: '1.2.0', nextLoad: '1.1.0' });

    await withdrawLocally(stateDir, MODEL, '1.1.0');
    expect(await step({ op: 'check', id: pinned.id })).toMatchObject({ pinned: true, nextLoad: '1.2.0', withdrawn: { version: '1.1.0', replacement: '1.2.0' } });
    const moved = await step<LoadedInPage>({ op: 'load', url, version: '1.1.0' });
    expect([moved.version, moved.withdrawnVersion]).toEqual(['1.2.0', '1.1.0']);
    expect(device.errors).toEqual([]);
  });
});
