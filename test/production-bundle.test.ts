import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startColdStartServer } from '../scripts/bench/browser/cold-start-server.ts';
import { COLD_START_GLOBAL, type ColdStartWindow, type StartTiming } from '../scripts/bench/browser/page-protocol.ts';
import { loadMnistSplit, takeFirst } from '../scripts/data/mnist.ts';
import type { BenchServer } from '../scripts/bench/browser/bench-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './support/headless-chromium.ts';

/*
 * What an app developer ships: an app that imports `edgetune`, bundled by `vite build` (the SDK's
 * worker, ONNX Runtime Web and its wasm become hashed assets) and served as static files. The
 * other browser tests run under Vite's dev server, which bundles nothing.
 */
describe('an app bundled for production with Vite', () => {
  let outDir: string;
  let server: BenchServer;
  let browser: Browser;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'edgetune-app-'));
    server = await startColdStartServer('models', outDir);
    browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it('emits the SDK worker and ONNX Runtime’s wasm as assets', async () => {
    const assets = await readdir(join(outDir, 'assets'));
    expect(assets.some((name) => /^browser-worker-.*\.js$/.test(name))).toBe(true);
    expect(assets.some((name) => /^ort-wasm-simd-threaded-.*\.wasm$/.test(name))).toBe(true);
  });

  it('classifies an MNIST digit from the network, then from the Cache API after a reload', async () => {
    const test = takeFirst(await loadMnistSplit('test'), 1);
    const request = { manifestUrl: '/models/mnist-cnn/manifest.json', threads: 1, image: Array.from(test.images) };
    const context = await browser.newContext();
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      const start = async (): Promise<StartTiming> => {
        await page.waitForFunction((name) => name in globalThis, COLD_START_GLOBAL);
        return page.evaluate(([name, req]) => (globalThis as unknown as ColdStartWindow)[name](req), [COLD_START_GLOBAL, request] as const);
      };
      await page.goto(`${server.origin}/`);
      const cold = await start();
      await page.reload();
      const warm = await start();
      expect(cold).toMatchObject({ loadedFrom: 'network', topClass: test.labels[0] });
      expect(cold.runtime).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 1 thread\)/);
      expect(warm).toMatchObject({ loadedFrom: 'cache', topClass: test.labels[0] });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
