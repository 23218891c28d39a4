import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startColdStartServer, type ColdStartAppOptions } from '../scripts/bench/browser/cold-start-server.ts';
import {
  COLD_START_GLOBAL,
  type ColdStartRequest,
  type ColdStartWindow,
  type StartFailure,
  type StartTiming,
} from '../scripts/bench/browser/page-protocol.ts';
import { loadMnistSplit, takeFirst } from '../scripts/data/mnist.ts';
import type { BenchServer } from '../scripts/bench/browser/bench-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './support/headless-chromium.ts';

/*
 * What an app developer ships: an app that imports `edgetune`, bundled by `vite build` (the SDK's
 * worker, ONNX Runtime Web, its glue and its wasm become hashed assets) and served as static,
 * cross-origin isolated files. The other browser tests run under Vite's dev server, which bundles
 * nothing, so only here can a bundler move ONNX Runtime's files away from each other.
 */

const MANIFEST = '/models/mnist-cnn/manifest.json';
const WASM_BYTES = (await stat(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'))).size;
const GLUE_ASSET = /\/assets\/ort-wasm-simd-threaded-[\w-]+\.mjs$/;
const SDK_WORKER_ASSET = /\/assets\/browser-worker-[\w-]+\.js$/;
const WASM_ONLY_WORKER_ASSET = /\/assets\/browser-worker-wasm-[\w-]+\.js$/;

const digit = takeFirst(await loadMnistSplit('test'), 1);

interface App {
  outDir: string;
  server: BenchServer;
  browser: Browser;
}

function serveApp(options: ColdStartAppOptions): App {
  const app = {} as App;
  beforeAll(async () => {
    app.outDir = await mkdtemp(join(tmpdir(), 'edgetune-app-'));
    app.server = await startColdStartServer('models', { ...options, outDir: app.outDir });
    app.browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  }, 120_000);
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.close();
    await rm(app.outDir, { recursive: true, force: true });
  });
  return app;
}

interface AppPage {
  readonly page: Page;
  readonly workerUrls: string[];
  readonly errors: string[];
  start(request?: Partial<ColdStartRequest>): Promise<StartTiming | StartFailure>;
}

/** A fresh context (empty HTTP cache and Cache API) with the app open in one page. */
async function openApp(app: App, context: BrowserContext): Promise<AppPage> {
  const page = await context.newPage();
  const workerUrls: string[] = [];
  const errors: string[] = [];
  page.on('worker', (worker) => workerUrls.push(worker.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${app.server.origin}/`);
  const start = async (overrides: Partial<ColdStartRequest> = {}) => {
    const request: ColdStartRequest = { manifestUrl: MANIFEST, threads: 1, image: Array.from(digit.images), ...overrides };
    await page.waitForFunction((name) => name in globalThis, COLD_START_GLOBAL);
    return page.evaluate(([name, req]) => (globalThis as unknown as ColdStartWindow)[name](req), [COLD_START_GLOBAL, request] as const);
  };
  return { page, workerUrls, errors, start };
}

async function inFreshContext<T>(app: App, run: (appPage: AppPage, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await app.browser.newContext();
  try {
    return await run(await openApp(app, context), context);
  } finally {
    await context.close();
  }
}

function succeeded(result: StartTiming | StartFailure): StartTiming {
  if ('error' in result) throw new Error(`the app's load failed: ${result.error.code}: ${result.error.message}`);
  return result;
}

/** The load that hung before the fix: ONNX Runtime with worker threads, on an isolated page. */
async function classifiesWithTwoThreads(app: App): Promise<void> {
  await inFreshContext(app, async ({ page, workerUrls, errors, start }) => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const result = succeeded(await start({ threads: 2 }));
    expect(result).toMatchObject({ loadedFrom: 'network', topClass: digit.labels[0] });
    expect(result.runtime).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 2 threads\)/);
    // The thread started from ONNX Runtime's glue, not from the SDK's worker chunk.
    expect(workerUrls.filter((url) => GLUE_ASSET.test(url))).toHaveLength(1);
    expect(workerUrls.filter((url) => SDK_WORKER_ASSET.test(url))).toHaveLength(1);
    // backend 'wasm': the worker entry without ONNX Runtime's WebGPU build.
    expect(workerUrls.filter((url) => WASM_ONLY_WORKER_ASSET.test(url))).toHaveLength(1);
    expect(errors).toEqual([]);
  });
}

describe("an app bundled for production with Vite's default worker format (ORT inlined into the SDK's worker)", () => {
  const app = serveApp({});

  it('emits the SDK worker and ONNX Runtime’s glue and wasm as assets', async () => {
    const assets = await readdir(join(app.outDir, 'assets'));
    const sizeOf = async (pattern: RegExp) => {
      const name = assets.find((asset) => pattern.test(asset));
      expect(name, String(pattern)).toBeDefined();
      return (await stat(join(app.outDir, 'assets', name!))).size;
    };
    // Vite inlines a worker's dynamic imports: only the WASM-only entry keeps the 118 KB WebGPU build out.
    const both = await sizeOf(/^browser-worker-(?!wasm-).*\.js$/);
    const wasmOnly = await sizeOf(/^browser-worker-wasm-.*\.js$/);
    expect(both - wasmOnly).toBeGreaterThan(90_000);
    expect(assets.some((name) => /^ort-wasm-simd-threaded-.*\.mjs$/.test(name))).toBe(true);
    expect(assets.some((name) => /^ort-wasm-simd-threaded-.*\.wasm$/.test(name))).toBe(true);
  });

  it('classifies with 2 threads on a crossOriginIsolated page', () => classifiesWithTwoThreads(app), 90_000);

  it('classifies an MNIST digit from the network, then from the Cache API after a reload, reporting the runtime’s download', async () => {
    await inFreshContext(app, async ({ page, errors, start }) => {
      const cold = succeeded(await start());
      await page.reload();
      const warm = succeeded(await start());
      expect(cold).toMatchObject({ loadedFrom: 'network', offline: false, topClass: digit.labels[0] });
      expect(cold.runtime).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 1 thread\)/);
      expect(warm).toMatchObject({ loadedFrom: 'cache', offline: false, topClass: digit.labels[0] });

      const coldRuntime = cold.progress.filter((event) => event.phase === 'runtime');
      expect(coldRuntime.length).toBeGreaterThan(1);
      expect(coldRuntime.every((event) => event.file === 'ort-wasm-simd-threaded.wasm' && event.fileTotal === WASM_BYTES && !event.fromCache)).toBe(true);
      const last = cold.progress.at(-1)!;
      expect(last).toMatchObject({ phase: 'ready', fromCache: false });
      // One bar for everything: the 14 MB runtime plus the model's files.
      expect(last.loaded).toBe(last.total);
      expect(last.total).toBeGreaterThan(WASM_BYTES);
      const loaded = cold.progress.map((event) => event.loaded);
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));

      const warmRuntime = warm.progress.filter((event) => event.phase === 'runtime');
      expect(warmRuntime).toEqual([expect.objectContaining({ fromCache: true, fileTotal: WASM_BYTES })]);
      expect(warm.progress.at(-1)).toMatchObject({ phase: 'ready', fromCache: true });
      expect(errors).toEqual([]);
    });
  }, 90_000);

  it('loads a cached model offline, ONNX Runtime’s wasm included, with the manifest and wasm unreachable', async () => {
    await inFreshContext(app, async ({ page, start }, context) => {
      succeeded(await start({ threads: 2 }));
      const blocked: string[] = [];
      await context.route(/\.wasm$|manifest\.json$/, (route) => {
        blocked.push(new URL(route.request().url()).pathname);
        return route.abort('internetdisconnected');
      });
      await page.reload();
      const offline = succeeded(await start({ threads: 2 }));
      expect(offline).toMatchObject({ loadedFrom: 'cache', offline: true, topClass: digit.labels[0] });
      expect(offline.progress.filter((event) => event.phase === 'runtime').every((event) => event.fromCache)).toBe(true);
      // The network really was asked and refused.
      expect(blocked).toContain(MANIFEST);
    });
  }, 90_000);

  it('starts the runtime with preloadRuntime() before a model is chosen, and the next load adopts that worker', async () => {
    await inFreshContext(app, async ({ workerUrls, start }) => {
      const result = succeeded(await start({ threads: 2, preload: true }));
      expect(result.preloaded?.runtime).toMatch(/^onnxruntime-web 1\.30\.\d+ \(wasm, 2 threads\)/);
      expect(result.preloaded?.progress.some((event) => event.phase === 'runtime' && event.fileTotal === WASM_BYTES)).toBe(true);
      expect(result.preloaded?.progress.at(-1)).toMatchObject({ phase: 'ready' });
      expect(result.preloaded?.progress.at(-1)?.loaded).toBe(WASM_BYTES);
      // The runtime was up before loadClassifier() was called: its progress is the model's alone.
      expect(result.progress.filter((event) => event.phase === 'runtime')).toEqual([]);
      expect(result).toMatchObject({ loadedFrom: 'network', topClass: digit.labels[0] });
      expect(workerUrls.filter((url) => SDK_WORKER_ASSET.test(url))).toHaveLength(1);
    });
  }, 90_000);

  it('fails a runtime start that stalls with E_BACKEND_UNAVAILABLE instead of hanging', async () => {
    await inFreshContext(app, async ({ start }, context) => {
      // ONNX Runtime's glue never arrives: its import, hence the runtime's start, stalls.
      await context.route(GLUE_ASSET, () => undefined);
      const result = await start({ threads: 2 });
      expect(result).toMatchObject({ error: { code: 'E_BACKEND_UNAVAILABLE' } });
      expect((result as StartFailure).error.message).toMatch(/did not start within .*threads: 1/);
    });
  }, 90_000);
});

describe('an app bundled for production with ES module workers (ORT in a chunk of its own)', () => {
  const app = serveApp({ workerFormat: 'es' });

  it('classifies with 2 threads on a crossOriginIsolated page', () => classifiesWithTwoThreads(app), 90_000);
});
