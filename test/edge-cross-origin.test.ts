import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, takeFirst } from '../scripts/data/mnist.ts';
import { freePort } from '../scripts/edge/free-port.ts';
import { publishLocally } from '../scripts/edge/publish-local.ts';
import { startWranglerDev, type WranglerDev } from '../scripts/edge/wrangler-dev.ts';
import { startCrossOriginApp, type AppServer } from './support/cross-origin-app-server.ts';
import { CROSS_ORIGIN_GLOBAL, type CrossOriginRequest, type CrossOriginResult } from './support/cross-origin-app/protocol.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './support/headless-chromium.ts';

/*
 * A crossOriginIsolated page on one origin (a production build of an app importing `edgetune`)
 * uses models from a real `wrangler dev` on another: this needs the edge's CORS headers (fetch
 * from the page and from the SDK's worker) and its Cross-Origin-Resource-Policy (no-cors loads
 * under COEP).
 */
let stateDir: string;
let outDir: string;
let dev: WranglerDev;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  [stateDir, outDir] = await Promise.all([mkdtemp(join(tmpdir(), 'edgetune-edge-')), mkdtemp(join(tmpdir(), 'edgetune-app-'))]);
  await publishLocally('models', ['mnist-cnn'], stateDir);
  dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe' });
  app = await startCrossOriginApp(outDir);
  browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await dev?.stop();
  await Promise.all([stateDir, outDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('a crossOriginIsolated page on another origin than the edge', () => {
  it('loads <edge>/v1/models/mnist-cnn/manifest.json (integrity checked), classifies a test digit, and connectEdge agrees', async () => {
    expect(new URL(app.origin).origin).not.toBe(new URL(dev.url).origin);
    const test = takeFirst(await loadMnistSplit('test'), 1);
    const request: CrossOriginRequest = { edge: dev.url, model: 'mnist-cnn', image: Array.from(test.images) };
    const context = await browser.newContext();
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${app.origin}/`);
      await page.waitForFunction((name) => name in globalThis, CROSS_ORIGIN_GLOBAL);
      const result = await page.evaluate(
        ([name, req]) => (globalThis as unknown as Record<string, (r: CrossOriginRequest) => Promise<CrossOriginResult>>)[name]!(req),
        [CROSS_ORIGIN_GLOBAL, request] as const,
      );
      const published = (await (await fetch(`${dev.url}/v1/models`)).json()) as { models: Array<{ name: string; latest: string }> };
      expect(result).toEqual({
        crossOriginIsolated: true,
        version: published.models.find((model) => model.name === 'mnist-cnn')!.latest,
        loadedFrom: 'network',
        index: test.labels[0],
        edgeIndex: test.labels[0],
        edgeVersion: result.version,
        noCorsFetch: 'ok',
      });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
