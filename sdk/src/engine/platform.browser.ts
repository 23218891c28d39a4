import type { ArtifactStore } from '../loading/artifact-store.ts';
import { openCacheApiStore } from '../loading/cache-api-store.browser.ts';
import { checkForUpdate } from '../loading/check-for-update.ts';
import { releaseLease } from '../loading/cache-update.ts';
import { loadCheckpoint } from '../loading/load-checkpoint.ts';
import { openIndexedDbHeadStore } from '../heads/indexeddb-head-store.browser.ts';
import type { EnginePlatform } from './classifier-engine.ts';
import { checkpointSourceOf } from './checkpoint-source-of.ts';
import { browserRuntimeSelector, type OrtBuilds } from './runtime.browser.ts';

/** Browser worker: files come over fetch and are cached in the Cache API by content hash. */
function createBrowserLoader(): Pick<EnginePlatform, 'loadFiles' | 'releaseFiles'> {
  let store: Promise<ArtifactStore | null> | undefined;
  return {
    loadFiles: async (request, onProgress, keepAlive) => {
      const cache = request.cache ? await (store ??= openCacheApiStore()) : null;
      return loadCheckpoint(checkpointSourceOf(request.source), {
        store: cache,
        lease: true,
        // The model needs the verified files, not their cache entries: those are written meanwhile.
        commitLater: keepAlive,
        ...(request.networkTimeoutMs ? { stallTimeoutMs: request.networkTimeoutMs } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
    },
    releaseFiles: async (lease) => {
      const cache = await store;
      if (cache) await releaseLease(cache, lease);
    },
  };
}

/**
 * Everything the engine needs from a browser (module Web Worker): ONNX Runtime Web (the builds
 * the worker entry holds: WebGPU, else WASM), fetch with the Cache API, and IndexedDB for
 * personalized heads.
 */
export function browserPlatform(builds: OrtBuilds): EnginePlatform {
  return {
    selectRuntime: browserRuntimeSelector(builds),
    ...createBrowserLoader(),
    checkForUpdate: (request, current) =>
      checkForUpdate(checkpointSourceOf(request.source), current, request.networkTimeoutMs ? { stallTimeoutMs: request.networkTimeoutMs } : {}),
    openHeadStore: () => openIndexedDbHeadStore(),
  };
}
