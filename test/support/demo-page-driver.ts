import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';

/** A stroke in pad units: (0,0) top left, (1,1) bottom right. */
export type Stroke = ReadonlyArray<readonly [number, number]>;

function ellipse(cx: number, cy: number, rx: number, ry: number, points = 28): Stroke {
  return Array.from({ length: points + 2 }, (_, i) => [cx + rx * Math.sin((i / points) * 2 * Math.PI), cy - ry * Math.cos((i / points) * 2 * Math.PI)] as const);
}

/** Digits drawn the way people draw them, clearly: the model should read each right. */
export const CLEAR_DIGITS: Readonly<Record<string, readonly Stroke[]>> = {
  '0': [ellipse(0.5, 0.5, 0.2, 0.3)],
  '1': [[[0.5, 0.18], [0.5, 0.82]]],
  '4': [[[0.55, 0.15], [0.28, 0.6], [0.75, 0.6]], [[0.6, 0.32], [0.6, 0.85]]],
  '7': [[[0.28, 0.2], [0.72, 0.2], [0.45, 0.82]]],
};

/** A 1 with a long flag, as many people write it: the pretrained CNN reads a 7. */
export const FLAGGED_ONE: readonly Stroke[] = [[[0.22, 0.3], [0.6, 0.14], [0.6, 0.84]]];

export const SCREENSHOTS_DIR = '.cache/screenshots';

/** The canvas's on-screen box, to turn pad units into page coordinates. */
async function padBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('the drawing pad is not visible');
  return box;
}

/** Draws strokes with mouse events (press, moves in small steps, release), `shift` in pad units. */
export async function drawWithMouse(page: Page, strokes: readonly Stroke[], shift: readonly [number, number] = [0, 0]): Promise<void> {
  const box = await padBox(page);
  const at = ([x, y]: readonly [number, number]) => [box.x + (x + shift[0]) * box.width, box.y + (y + shift[1]) * box.height] as const;
  for (const stroke of strokes) {
    const [first, ...rest] = stroke.map(at);
    await page.mouse.move(...first!);
    await page.mouse.down();
    for (const point of rest) await page.mouse.move(...point, { steps: 4 });
    await page.mouse.up();
  }
}

/** Draws strokes with real touch events (Chromium's Input.dispatchTouchEvent), as a finger would. */
export async function drawWithTouch(page: Page, strokes: readonly Stroke[]): Promise<void> {
  const box = await padBox(page);
  const session = await page.context().newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: Array<{ x: number; y: number }>) => session.send('Input.dispatchTouchEvent', { type, touchPoints: points });
  try {
    for (const stroke of strokes) {
      const points = stroke.map(([x, y]) => ({ x: box.x + x * box.width, y: box.y + y * box.height }));
      await touch('touchStart', [points[0]!]);
      for (let i = 1; i < points.length; i++) {
        const [from, to] = [points[i - 1]!, points[i]!];
        for (let step = 1; step <= 4; step++) await touch('touchMove', [{ x: from.x + ((to.x - from.x) * step) / 4, y: from.y + ((to.y - from.y) * step) / 4 }]);
      }
      await touch('touchEnd', []);
    }
  } finally {
    await session.detach();
  }
}

export interface ShownAnswer {
  readonly top: Array<{ label: string; score: number }>;
}

/** Waits until the list answers the pad's current drawing, then reads it. */
export async function shownAnswer(page: Page, list: '#device-top' | '#edge-top'): Promise<ShownAnswer> {
  await page.waitForFunction(
    (selector) => {
      const shown = document.querySelector<HTMLElement>(selector);
      return shown !== null && shown.dataset.drawing === document.querySelector<HTMLElement>('#pad')!.dataset.version && shown.children.length > 0;
    },
    list,
    { timeout: 30_000 },
  );
  const top = await page.locator(`${list} li`).evaluateAll((items) => items.map((item) => ({ label: (item as HTMLElement).dataset.label!, score: Number((item as HTMLElement).dataset.score) })));
  return { top };
}

/** The pad's pixels as the page holds them (RGBA). */
export async function padPixels(page: Page): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const { data, width, height } = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#pad')!;
    const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return { data: Array.from(image.data), width: image.width, height: image.height };
  });
  return { data: Uint8ClampedArray.from(data), width, height };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS_DIR}/${name}.png`, fullPage: true });
}
