import { createHash } from 'node:crypto';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type Classifier } from 'edgetune';
import { createApp } from '../scripts/edge/app-keys.ts';
import { freePort } from '../scripts/edge/free-port.ts';
import { publishCheckpointsLocally, publishLocally } from '../scripts/edge/publish-local.ts';
import { applyMigrations } from '../scripts/edge/samples-db.ts';
import { startWranglerDev, type WranglerDev } from '../scripts/edge/wrangler-dev.ts';
import { FLAGGED_ONE, CLEAR_DIGITS, drawWithMouse, drawWithTouch, padPixels, screenshot, shownAnswer } from './support/demo-page-driver.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './support/headless-chromium.ts';
import { newVersionOf } from './support/model-version.ts';

/*
 * The demo page end to end: built by `npm run build` into the Worker's assets, served by a real
 * `wrangler dev` (models published to its local R2, D1 migrated, a development app key), driven in
 * headless Chromium with mouse and touch events. Screenshots go to .cache/screenshots/.
 * Chromium runs without WebGPU here: the page must say so and run the model on WASM.
 */
const MODELS = ['mnist-cnn', 'mnist-mlp'];
let stateDir: string;
let dev: WranglerDev;
let appKey: string;
let browser: Browser;
let desktop: BrowserContext;
let page: Page;
const reference = new Map<string, Classifier>();

beforeAll(async () => {
  await access('workers/public/index.html').catch(() => {
    throw new Error('The demo page is not built: run `npm run build` (npm test does).');
  });
  stateDir = await mkdtemp(join(tmpdir(), 'edgetune-demo-'));
  await publishLocally('models', MODELS, stateDir);
  await applyMigrations({ remote: false, stateDir });
  appKey = (await createApp({ remote: false, stateDir }, 'demo page test')).key;
  dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe', vars: { DEMO_APP_KEY: appKey, LATEST_TTL_SECONDS: '0' } });
  for (const name of MODELS) reference.set(name, await loadClassifier(`models/${name}`, { cache: false }));
  browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu') });
  desktop = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  page = await desktop.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  await Promise.all([...reference.values()].map((classifier) => classifier.dispose()));
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const pageErrors: string[] = [];

/** Waits until the page has loaded its model from `source` and said what it runs on (the layout is settled). */
async function modelLoaded(target: Page, source: 'network' | 'cache'): Promise<void> {
  await expect.poll(() => target.locator('#model-details').getAttribute('data-loaded-from'), { timeout: 60_000 }).toBe(source);
  await expect.poll(() => target.locator('.notice.info').textContent()).toMatch(/WebGPU is not available/);
}

async function clearPad(target: Page): Promise<void> {
  await target.getByRole('button', { name: 'Clear' }).click();
}

/** The device's shown answer, checked against the SDK in Node on the very pixels the page holds. */
async function expectDeviceAnswerMatchesSdk(target: Page, model: string): Promise<string> {
  const shown = await shownAnswer(target, '#device-top');
  const expected = await reference.get(model)!.classify(await padPixels(target));
  expect(shown.top.map((t) => t.label)).toEqual(expected.top.map((t) => t.label));
  shown.top.forEach((t, i) => expect(Math.abs(t.score - expected.top[i]!.score)).toBeLessThanOrEqual(1e-4));
  return shown.top[0]!.label;
}

describe('the demo page', () => {
  it('first visit: a download progress bar, the model card, and for mouse-drawn digits the device answer equals the SDK on the same pixels, right, with the edge agreeing', async () => {
    await page.goto(`${dev.url}/`, { waitUntil: 'commit' });
    await page.locator('#download').waitFor({ state: 'visible' });
    await screenshot(page, 'desktop-1-downloading');
    await modelLoaded(page, 'network');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect.poll(() => page.locator('#model-details').textContent()).toMatch(/mnist-cnn \d+\.\d+\.\d+ · 99\.\d\d% .* downloaded · runs on WASM in a Web Worker \(onnxruntime-web [\d.]+ \(wasm, \d+ threads?\)\)/);

    for (const [digit, strokes] of Object.entries(CLEAR_DIGITS)) {
      await clearPad(page);
      await drawWithMouse(page, strokes);
      expect(await expectDeviceAnswerMatchesSdk(page, 'mnist-cnn')).toBe(digit);
      expect((await shownAnswer(page, '#edge-top')).top[0]!.label).toBe(digit);
      await expect.poll(() => page.locator('#device-meta').textContent()).toMatch(/[\d.]+ ms on WASM/);
      await expect.poll(() => page.locator('#edge-meta').textContent()).toMatch(/\d+ ms round trip/);
    }
    await screenshot(page, 'desktop-2-classified');

    // The keyboard pen: lift it, move up, lower it, draw a stroke down: a 1.
    await clearPad(page);
    await page.locator('#pad').focus();
    for (const key of [...Array<string>(5).fill('ArrowUp'), 'Space', ...Array<string>(10).fill('ArrowDown'), 'Space']) await page.keyboard.press(key);
    expect(await expectDeviceAnswerMatchesSdk(page, 'mnist-cnn')).toBe('1');
    // Screen readers hear both answers once the stroke is done.
    await expect.poll(() => page.locator('#announcer').textContent()).toMatch(/^This device reads 1: [\d.]+%; the edge reads 1: [\d.]+%\.$/);
  });

  it("serves ONNX Runtime's wasm crossOriginIsolated, the WebGPU build (over the 25 MiB asset limit) gzip-packed: the browser gets the original bytes", async () => {
    const assets = await readdir('workers/public/assets');
    const packed = assets.filter((name) => name.endsWith('.wasm.gz'));
    const plain = assets.filter((name) => name.endsWith('.wasm'));
    expect(packed).toEqual([expect.stringMatching(/^ort-wasm-simd-threaded\.asyncify-.*\.wasm\.gz$/)]);
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    const resolve = createRequire(import.meta.url).resolve;
    for (const [file, original] of [
      [packed[0]!.slice(0, -'.gz'.length), 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm'],
      [plain[0]!, 'onnxruntime-web/ort-wasm-simd-threaded.wasm'],
    ] as const) {
      const response = await fetch(`${dev.url}/assets/${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('application/wasm');
      expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(await readFile(resolve(original))));
    }
  });

  it('correct, then personalize: the corrected drawing is classified as corrected, after saving and reloading too; reset and load switch heads, and the choice survives reloads', async () => {
    await clearPad(page);
    await drawWithMouse(page, FLAGGED_ONE);
    // The pretrained model reads the user's 1 as a 7.
    const [wrong, corrected] = ['7', '1'];
    expect(await expectDeviceAnswerMatchesSdk(page, 'mnist-cnn')).toBe(wrong);
    for (const shift of [[0, 0], [-0.05, 0.02], [0.05, -0.02]] as const) {
      await clearPad(page);
      await drawWithMouse(page, FLAGGED_ONE, shift);
      // Keyboard: the digit buttons are reachable and pressed like any button.
      await page.getByRole('button', { name: `It is a ${corrected}`, exact: true }).focus();
      await page.keyboard.press('Enter');
    }
    await expect.poll(() => page.locator('#thumbnails li').count()).toBe(3);
    await page.getByRole('button', { name: 'Personalize', exact: true }).click();
    await expect.poll(() => page.locator('#personalize-result').getAttribute('data-after'), { timeout: 60_000 }).toBe('1');
    await expect.poll(() => page.locator('#loss-chart').getAttribute('aria-label')).toMatch(/at step 100 of 100/);
    await clearPad(page);
    await drawWithMouse(page, FLAGGED_ONE);
    expect((await shownAnswer(page, '#device-top')).top[0]!.label).toBe(corrected);
    await page.getByRole('button', { name: 'Save head' }).click();
    await expect.poll(() => page.locator('#head-status').textContent()).toMatch(/saved on this device/);
    await screenshot(page, 'desktop-3-personalized');

    await page.reload();
    await modelLoaded(page, 'cache');
    await expect.poll(() => page.locator('#model-details').textContent()).toMatch(/loaded from the cache/);
    await expect.poll(() => page.locator('#head-status').getAttribute('data-head')).toBe('personalized');
    await expect.poll(() => page.locator('#thumbnails li').count()).toBe(3);
    await drawWithMouse(page, FLAGGED_ONE);
    expect((await shownAnswer(page, '#device-top')).top[0]!.label).toBe(corrected);

    await page.getByRole('button', { name: 'Reset to pretrained' }).click();
    await expect.poll(() => page.locator('#head-status').getAttribute('data-head')).toBe('pretrained');
    expect(await expectDeviceAnswerMatchesSdk(page, 'mnist-cnn')).toBe(wrong);
    await page.reload();
    await modelLoaded(page, 'cache');
    await expect.poll(() => page.locator('#head-status').getAttribute('data-head')).toBe('pretrained');
    await drawWithMouse(page, FLAGGED_ONE);
    expect((await shownAnswer(page, '#device-top')).top[0]!.label).toBe(wrong);
    await page.getByRole('button', { name: 'Load saved head' }).click();
    await expect.poll(() => page.locator('#head-status').getAttribute('data-head')).toBe('personalized');
    expect((await shownAnswer(page, '#device-top')).top[0]!.label).toBe(corrected);
    // The next tests compare the page with the pretrained model.
    await page.getByRole('button', { name: 'Reset to pretrained' }).click();
    await expect.poll(() => page.locator('#head-status').getAttribute('data-head')).toBe('pretrained');
  });

  it('"Share my samples" (opt-in) sends them through SampleUploader: the edge reports them queued then accepted, and the stats route counts them in D1', async () => {
    const status = page.locator('#share-status');
    await expect.poll(() => status.getAttribute('data-queued')).toBe('0');
    expect(await status.getAttribute('data-accepted')).toBe('0');
    await page.getByRole('checkbox', { name: /Share my samples/ }).check();
    await expect.poll(() => status.getAttribute('data-accepted'), { timeout: 30_000 }).toBe('3');
    expect(await status.getAttribute('data-queued')).toBe('0');
    const stats = (await (await fetch(`${dev.url}/v1/samples/stats`, { headers: { Authorization: `Bearer ${appKey}` } })).json()) as {
      counts: Array<{ model: string; label: string; count: number }>;
    };
    const label = await page.locator('#thumbnails li').first().getAttribute('data-label');
    expect(stats.counts).toEqual([expect.objectContaining({ model: 'mnist-cnn', label, count: 3 })]);
    await screenshot(page, 'desktop-4-shared');
  });

  it('the model switch: a failed download is said and the CNN keeps answering; retrying loads the MLP, which reads the digits too', async () => {
    await page.route('**/v1/models/mnist-mlp/**', (route) => route.abort('connectionrefused'));
    await page.getByRole('radio', { name: 'MLP' }).check();
    await expect.poll(() => page.locator('.notice.error').textContent(), { timeout: 60_000 }).toMatch(/Could not load mnist-mlp: .*E_FETCH_FAILED.*Still using mnist-cnn/);
    expect(await page.getByRole('radio', { name: 'CNN' }).isChecked()).toBe(true);
    await screenshot(page, 'desktop-5-download-failed');
    await clearPad(page);
    await drawWithMouse(page, CLEAR_DIGITS['7']!);
    expect(await expectDeviceAnswerMatchesSdk(page, 'mnist-cnn')).toBe('7');

    await page.unroute('**/v1/models/mnist-mlp/**');
    await page.getByRole('button', { name: 'Try mnist-mlp again' }).click();
    await expect.poll(() => page.locator('#model-details').getAttribute('data-model'), { timeout: 60_000 }).toBe('mnist-mlp');
    for (const [digit, strokes] of Object.entries(CLEAR_DIGITS)) {
      await clearPad(page);
      await drawWithMouse(page, strokes);
      expect(await expectDeviceAnswerMatchesSdk(page, 'mnist-mlp')).toBe(digit);
    }
    await page.getByRole('radio', { name: 'CNN' }).check();
    await expect.poll(() => page.locator('#model-details').getAttribute('data-model'), { timeout: 60_000 }).toBe('mnist-cnn');
  });

  it('a phone viewport with touch: drawing with a finger classifies, the digit buttons take taps, and nothing overflows sideways', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      const mobile = await phone.newPage();
      mobile.on('pageerror', (error) => pageErrors.push(error.message));
      await mobile.goto(`${dev.url}/`);
      await modelLoaded(mobile, 'network');
      for (const digit of ['1', '7']) {
        await clearPad(mobile);
        await drawWithTouch(mobile, CLEAR_DIGITS[digit]!);
        expect(await expectDeviceAnswerMatchesSdk(mobile, 'mnist-cnn')).toBe(digit);
      }
      const thumbnails = async () => (await mobile.locator('#thumbnails li').count()) || `no sample; notices: ${await mobile.locator('#notices').textContent()}`;
      await mobile.getByRole('button', { name: 'It is a 7', exact: true }).tap();
      // A starved renderer may take a touch held too long for a long press, which clicks nothing: tap again.
      if ((await expect.poll(thumbnails, { timeout: 5_000 }).toBe(1).then(() => true, () => false)) === false) {
        await mobile.getByRole('button', { name: 'It is a 7', exact: true }).tap();
      }
      await expect.poll(thumbnails).toBe(1);
      expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await screenshot(mobile, 'phone');
    } finally {
      await phone.close();
    }
  });

  it('with a WebGPU adapter (SwiftShader here) the page runs the model on WebGPU, says so, and reads a drawn digit', async () => {
    const gpuBrowser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
    try {
      const gpuPage = await gpuBrowser.newPage({ viewport: { width: 1100, height: 900 } });
      gpuPage.on('pageerror', (error) => pageErrors.push(error.message));
      await gpuPage.goto(`${dev.url}/`);
      await expect.poll(() => gpuPage.locator('#model-details').textContent(), { timeout: 90_000 }).toMatch(/runs on WebGPU/);
      expect(await gpuPage.locator('.notice').count()).toBe(0);
      await drawWithMouse(gpuPage, CLEAR_DIGITS['7']!);
      expect((await shownAnswer(gpuPage, '#device-top')).top[0]!.label).toBe('7');
      await expect.poll(() => gpuPage.locator('#device-meta').textContent()).toMatch(/ms on WebGPU/);
      await screenshot(gpuPage, 'desktop-webgpu');
    } finally {
      await gpuBrowser.close();
    }
  });

  it('a new version published while the page is open is offered; taking it, the saved head (made for the old version) is retrained on the new one from the samples kept with it', async () => {
    const { checkpoint } = await newVersionOf('mnist-cnn', '1.1.1');
    await publishCheckpointsLocally([checkpoint], stateDir);
    // What a tab coming back to the foreground does.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const offer = page.getByRole('button', { name: 'Use 1.1.1' });
    await expect.poll(() => offer.count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('.notice[data-topic="update"]').textContent()).toMatch(/mnist-cnn 1\.1\.1 is available/);
    await offer.click();
    await expect.poll(() => page.locator('#model-details').textContent(), { timeout: 60_000 }).toMatch(/mnist-cnn 1\.1\.1/);
    await page.getByRole('button', { name: 'Load saved head' }).click();
    await expect.poll(() => page.locator('#head-status').textContent(), { timeout: 60_000 }).toMatch(/updated to 1\.1\.1: your head was retrained on it from your 3 samples/);
    await clearPad(page);
    await drawWithMouse(page, FLAGGED_ONE);
    expect((await shownAnswer(page, '#device-top')).top[0]!.label).toBe('1');
    await screenshot(page, 'desktop-5b-updated');
    // The offline test compares the page with the pretrained model.
    await page.getByRole('button', { name: 'Reset to pretrained' }).click();
    await expect.poll(() => page.locator('#head-status').getAttribute('data-head')).toBe('pretrained');
  });

  it('offline after the first visit: with the edge gone, the page still loads from its service worker and classifies on the device, and says the edge is offline', async () => {
    await expect.poll(() => page.locator('#offline-status').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    await dev.stop();
    await page.reload();
    await modelLoaded(page, 'cache');
    expect(await page.locator('#model-details').textContent()).toMatch(/loaded from the cache on this device/);
    await clearPad(page);
    await drawWithMouse(page, CLEAR_DIGITS['4']!);
    expect(await expectDeviceAnswerMatchesSdk(page, 'mnist-cnn')).toBe('4');
    await expect.poll(() => page.locator('#edge-meta').getAttribute('data-state'), { timeout: 30_000 }).toBe('offline');
    await screenshot(page, 'desktop-6-offline');
    expect(pageErrors).toEqual([]);
  });
});
