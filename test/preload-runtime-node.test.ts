import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// The package as an app imports it: the `node` condition of package.json `exports` (dist/node).
import { loadClassifier, preloadRuntime, type LoadProgress } from 'edgetune';

const CNN_DIR = resolve(process.env.EDGETUNE_MODELS_DIR ?? 'models', 'mnist-cnn');

describe('preloadRuntime in Node', () => {
  it('starts onnxruntime-node in a worker before a model is chosen; the next matching load uses it', async () => {
    const preloadEvents: LoadProgress[] = [];
    const info = await preloadRuntime({ threads: 1, onProgress: (event) => preloadEvents.push(event) });
    expect(info).toMatchObject({ backend: 'cpu', threads: 1 });
    expect(info.runtime).toMatch(/^onnxruntime-node 1\.30\.\d+ \(cpu, 1 thread\)/);
    // Node downloads no runtime: the only event says it is ready. Progress travels on the
    // callback's own channel, so it may land just after the result.
    await expect.poll(() => preloadEvents).toEqual([expect.objectContaining({ phase: 'ready', loaded: 0, total: 0 })]);
    // Asking again for the same runtime shares the start under way instead of starting a second worker.
    await expect(preloadRuntime({ threads: 1 })).resolves.toEqual(info);

    const events: LoadProgress[] = [];
    const clf = await loadClassifier(CNN_DIR, { threads: 1, onProgress: (event) => events.push(event) });
    try {
      expect(clf.runtime).toBe(info.runtime);
      expect(events.at(-1)).toMatchObject({ phase: 'ready' });
      expect(events.at(-1)!.loaded).toBe(events.at(-1)!.total);
      expect((await clf.classify(Float32Array.from({ length: 784 }, (_, i) => (i % 28 < 14 ? 1 : 0)))).label).toMatch(/^\d$/);
    } finally {
      await clf.dispose();
    }
  });

  it('refuses options it cannot honour with a code, before starting anything', async () => {
    await expect(preloadRuntime({ threads: 0 })).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    await expect(preloadRuntime({ backend: 'tpu' as never })).rejects.toMatchObject({ code: 'E_INPUT_TYPE' });
    await expect(preloadRuntime({ backend: 'webgpu' })).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', message: expect.stringContaining('cpu') });
  });
});
