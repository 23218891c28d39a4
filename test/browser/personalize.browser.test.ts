import { commands } from 'vitest/browser';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Edgetune from 'edgetune';

const MANIFEST = '/models/mnist-cnn/manifest.json';
const PAGE = new URL('./fixtures/sdk-page.html', import.meta.url).href;

let images: Float32Array[];
let labels: number[];

beforeAll(async () => {
  const samples = await commands.mnistTestSamples(64);
  images = Array.from({ length: 64 }, (_, i) => Float32Array.from(samples.pixels.slice(i * 784, (i + 1) * 784), (v) => v / 255));
  labels = samples.labels;
});

/** Loads the SDK test page in an iframe and returns its `edgetune` module once ready. */
async function openPage(frame?: HTMLIFrameElement): Promise<{ frame: HTMLIFrameElement; sdk: typeof Edgetune }> {
  const target = frame ?? document.body.appendChild(document.createElement('iframe'));
  const loaded = new Promise((resolve) => target.addEventListener('load', resolve, { once: true }));
  if (frame) target.contentWindow!.location.reload();
  else target.src = PAGE;
  await loaded;
  await expect.poll(() => (target.contentWindow as unknown as { edgetune?: unknown }).edgetune, { timeout: 30_000 }).toBeDefined();
  return { frame: target, sdk: (target.contentWindow as unknown as { edgetune: typeof Edgetune }).edgetune };
}

describe.each(['wasm', 'webgpu'] as const)('personalization in Chromium on %s', (backend) => {
  it('personalizes in the worker, survives a page reload through IndexedDB, and resets', async () => {
    const key = `reader-${backend}`;
    const first = await openPage();
    const clf = await first.sdk.loadClassifier(MANIFEST, { backend });
    expect(clf.backend).toBe(backend);
    const pretrained = (await clf.classifyBatch(images)).map((p) => Array.from(p.scores));
    // A consistent relabelling (d -> 9-d): learnable, and visibly different from the pretrained head.
    const report = await clf.personalize(
      images.map((input, i) => ({ input, label: 9 - labels[i]! })),
      { steps: 60, learningRate: 0.1 },
    );
    expect(report.losses.at(-1)!).toBeLessThan(report.losses[0]!);
    expect(report.accuracyAfter).toBeGreaterThan(report.accuracyBefore);
    const personalized = (await clf.classifyBatch(images)).map((p) => Array.from(p.scores));
    expect(personalized).not.toEqual(pretrained);
    await clf.saveHead(key);
    await clf.dispose();

    const reloaded = await openPage(first.frame);
    const again = await reloaded.sdk.loadClassifier(MANIFEST, { backend });
    expect((await again.listHeads()).map((h) => h.key)).toContain(key);
    await again.loadHead(key);
    const restored = (await again.classifyBatch(images)).map((p) => Array.from(p.scores));
    restored.forEach((row, i) => row.forEach((v, c) => expect(Math.abs(v - personalized[i]![c]!)).toBeLessThanOrEqual(1e-6)));
    await again.resetHead();
    const reset = (await again.classifyBatch(images)).map((p) => Array.from(p.scores));
    reset.forEach((row, i) => row.forEach((v, c) => expect(Math.abs(v - pretrained[i]![c]!)).toBeLessThanOrEqual(1e-6)));
    await again.deleteHead(key);
    await again.dispose();
    first.frame.remove();
    // WebGPU here is SwiftShader, a CPU emulation: correct but slow, far more so on a loaded machine.
  }, backend === 'webgpu' ? 360_000 : undefined);
});
