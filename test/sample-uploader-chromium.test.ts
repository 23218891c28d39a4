import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, takeFirst } from '../scripts/data/mnist.ts';
import { freePort } from '../scripts/edge/free-port.ts';
import { buildTestApp } from './support/cross-origin-app-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './support/headless-chromium.ts';
import { routeBuiltApp } from './support/routed-app.ts';
import { UPLOADER_PAGE_GLOBAL, type UploaderPage } from './support/sample-uploader-app/protocol.ts';
import { exportedSampleIds, startSamplesEdge, type SamplesEdge } from './support/samples-edge.ts';

/*
 * The SampleUploader as an app ships it (a Vite production build importing `edgetune`) in real
 * headless Chromium with a persistent profile (real IndexedDB), against a real `wrangler dev` on
 * another origin: samples queued offline survive a reload and reach the edge exactly once when
 * the page comes back online.
 */
const APP_ROOT = fileURLToPath(new URL('./support/sample-uploader-app/', import.meta.url));
/** More than one batch of 256. */
const COUNT = 300;

let edge: SamplesEdge;
let outDir: string;
let profileDir: string;
let context: BrowserContext;

beforeAll(async () => {
  [outDir, profileDir] = await Promise.all([mkdtemp(join(tmpdir(), 'edgetune-uploader-app-')), mkdtemp(join(tmpdir(), 'edgetune-uploader-profile-'))]);
  [edge] = await Promise.all([startSamplesEdge(), buildTestApp(APP_ROOT, outDir)]);
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
}, 600_000);

afterAll(async () => {
  await context?.close();
  await edge?.close();
  await Promise.all([outDir, profileDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

type PageCall<K extends keyof UploaderPage> = Awaited<ReturnType<UploaderPage[K]>>;

function call<K extends keyof UploaderPage>(page: Page, name: K, ...args: Parameters<UploaderPage[K]>): Promise<PageCall<K>> {
  return page.evaluate(
    ([global, method, params]) => {
      const controls = (globalThis as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[global]!;
      return controls[method]!(...params) as PageCall<K>;
    },
    [UPLOADER_PAGE_GLOBAL, name, args] as const,
  ) as Promise<PageCall<K>>;
}

async function storedCount(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/v1/samples/stats`, { headers: { Authorization: `Bearer ${key}` } });
  const stats = (await response.json()) as { counts: Array<{ count: number }> };
  return stats.counts.reduce((sum, row) => sum + row.count, 0);
}

describe('SampleUploader in Chromium against wrangler dev on another origin', () => {
  it('queues samples offline, keeps them across a reload (IndexedDB) and sends each exactly once when the page comes back online', async () => {
    const digits = takeFirst(await loadMnistSplit('test'), COUNT);
    const appOrigin = `http://127.0.0.1:${await freePort()}`;
    expect(appOrigin).not.toBe(new URL(edge.dev!.url).origin);
    await routeBuiltApp(context, appOrigin, outDir);
    const pageUrl = `${appOrigin}/?${new URLSearchParams({ edge: edge.dev!.url, key: edge.key, model: 'mnist-cnn' })}`;
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Chromium 150 keeps a context's emulated offline state out of a document loaded while offline
    // (navigator.onLine reads true, and going online fires no event there); the network state
    // override sets navigator.onLine and its events as a real change of network would.
    // It lasts one document, so it is set again after each load.
    const cdp = await context.newCDPSession(page);
    let offline = false;
    const overrideNetworkState = () =>
      cdp.send('Network.overrideNetworkState' as 'Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const setOffline = async (value: boolean) => {
      offline = value;
      await context.setOffline(offline);
      await overrideNetworkState();
    };
    const load = async (navigate: () => Promise<unknown>) => {
      await navigate();
      await overrideNetworkState();
      await page.waitForFunction((name) => name in globalThis, UPLOADER_PAGE_GLOBAL);
    };

    // Offline: samples queue up, a flush fails and keeps them.
    await setOffline(true);
    await load(() => page.goto(pageUrl));
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    const ids = await call(page, 'add', Array.from(digits.images), Array.from(digits.labels, String));
    expect(new Set(ids).size).toBe(COUNT);
    expect(await call(page, 'flush')).toEqual({ error: 'E_FETCH_FAILED' });
    expect(await call(page, 'pending')).toBe(COUNT);
    expect(await storedCount(edge.dev!.url, edge.key)).toBe(0);

    // A reload, still offline: a new uploader finds the queue in IndexedDB and sends nothing yet.
    await load(() => page.reload());
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    expect(await call(page, 'pending')).toBe(COUNT);
    expect(await storedCount(edge.dev!.url, edge.key)).toBe(0);

    // Back online: the page's `online` event starts the flush, no call from the app needed.
    await setOffline(false);
    await page.waitForFunction(
      ([name, count]) => {
        const log = (globalThis as unknown as Record<string, UploaderPage>)[name]!.log();
        return log.accepted + log.duplicates + log.rejected >= count || log.errors.length > 0;
      },
      [UPLOADER_PAGE_GLOBAL, COUNT] as const,
      { timeout: 60_000 },
    );
    expect(await call(page, 'log')).toEqual({ accepted: COUNT, duplicates: 0, rejected: 0, online: 1, errors: [] });
    expect(await call(page, 'pending')).toBe(0);

    const stored = await exportedSampleIds(edge.dev!.url);
    expect(stored.length).toBe(COUNT);
    expect([...stored].sort()).toEqual([...ids].sort());
    expect(errors).toEqual([]);
  }, 300_000);
});
