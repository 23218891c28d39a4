import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startCrossOriginApp } from './cross-origin-app-server.ts';
import { ROLLOUT_GLOBAL, type RolloutAnswer, type RolloutStep } from './cross-origin-app/rollout-protocol.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './headless-chromium.ts';

/**
 * A device in headless Chromium for rollout tests: a production build of an app importing
 * `edgetune` (crossOriginIsolated, on another origin than the edge), one page whose Cache API and
 * IndexedDB last across the steps the test sends it.
 */
export interface RolloutPage {
  /** Runs one step in the page; a failed step rejects with the SDK's code. */
  step<T>(request: RolloutStep): Promise<T>;
  /** Uncaught errors the page reported. */
  readonly errors: readonly string[];
  close(): Promise<void>;
}

export async function openRolloutPage(): Promise<RolloutPage> {
  const outDir = await mkdtemp(join(tmpdir(), 'edgetune-app-'));
  const app = await startCrossOriginApp(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  const close = async () => {
    await browser.close();
    await app.close();
    await rm(outDir, { recursive: true, force: true });
  };
  try {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.origin}/`);
    await page.waitForFunction((name) => name in globalThis, ROLLOUT_GLOBAL);
    return {
      errors,
      close,
      async step<T>(request: RolloutStep): Promise<T> {
        const answer = await page.evaluate(
          ([name, req]) => (globalThis as unknown as Record<string, (r: RolloutStep) => Promise<RolloutAnswer>>)[name]!(req),
          [ROLLOUT_GLOBAL, request] as const,
        );
        if (!answer.ok) throw Object.assign(new Error(answer.message), { code: answer.code });
        return answer.value as T;
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
