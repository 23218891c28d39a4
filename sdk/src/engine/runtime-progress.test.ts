import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../loading/load-progress.ts';
import { JoinedProgress } from './runtime-progress.ts';

const WASM = 'ort-wasm-simd-threaded.wasm';

function modelEvent(phase: LoadProgress['phase'], loaded: number, total: number, file?: string): LoadProgress {
  return { phase, ...(file ? { file } : {}), fileLoaded: 0, fileTotal: 0, loaded, total, fromCache: false };
}

describe('JoinedProgress: the runtime and the model in one stream', () => {
  it('counts the runtime’s bytes and the model’s in one loaded/total that never decreases, ready last', () => {
    const events: LoadProgress[] = [];
    const progress = new JoinedProgress((event) => events.push(event));
    progress.runtimeBytes({ file: WASM, fileLoaded: 100, fileTotal: 1000, fromCache: false });
    progress.checkpoint(modelEvent('manifest', 0, 50));
    progress.checkpoint(modelEvent('download', 50, 50, 'model.onnx'));
    progress.checkpoint(modelEvent('ready', 50, 50));
    // The model is ready before the runtime: ready waits for it.
    expect(events.map((event) => event.phase)).toEqual(['runtime', 'manifest', 'download']);
    progress.runtimeBytes({ file: WASM, fileLoaded: 1000, fileTotal: 1000, fromCache: false });
    progress.runtimeStarted();

    expect(events.map((event) => event.phase)).toEqual(['runtime', 'manifest', 'download', 'runtime', 'ready']);
    expect(events.map((event) => event.loaded)).toEqual([100, 100, 150, 1050, 1050]);
    expect(events.map((event) => event.total)).toEqual([1000, 1050, 1050, 1050, 1050]);
    expect(events.at(-1)).toMatchObject({ phase: 'ready', fromCache: false });
  });

  it('joins a runtime download under way at the bytes it had reached', () => {
    const events: LoadProgress[] = [];
    const progress = new JoinedProgress((event) => events.push(event));
    progress.runtimeSoFar({ file: WASM, fileLoaded: 400, fileTotal: 1000, fromCache: false });
    progress.checkpoint(modelEvent('manifest', 0, 50));
    expect(events[0]).toMatchObject({ phase: 'manifest', loaded: 400, total: 1050 });
  });

  it('says ready came from the cache only when the runtime and the model both did', () => {
    const ready = (runtimeFromCache: boolean, modelFromCache: boolean) => {
      const events: LoadProgress[] = [];
      const progress = new JoinedProgress((event) => events.push(event));
      progress.runtimeBytes({ file: WASM, fileLoaded: 10, fileTotal: 10, fromCache: runtimeFromCache });
      progress.checkpoint({ ...modelEvent('ready', 5, 5), fromCache: modelFromCache });
      progress.runtimeStarted();
      return events.at(-1);
    };
    expect(ready(true, true)).toMatchObject({ phase: 'ready', fromCache: true, loaded: 15, total: 15 });
    expect(ready(false, true)).toMatchObject({ phase: 'ready', fromCache: false });
    expect(ready(true, false)).toMatchObject({ phase: 'ready', fromCache: false });
  });

  it('ends a runtime-only start (preloadRuntime) with ready once the runtime has started', () => {
    const events: LoadProgress[] = [];
    const progress = new JoinedProgress((event) => events.push(event));
    progress.modelNotNeeded();
    progress.runtimeBytes({ file: WASM, fileLoaded: 10, fileTotal: 10, fromCache: false });
    expect(events.map((event) => event.phase)).toEqual(['runtime']);
    progress.runtimeStarted();
    expect(events.at(-1)).toMatchObject({ phase: 'ready', loaded: 10, total: 10 });
  });
});
