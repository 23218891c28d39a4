import { DirectoryStore } from '../loading/directory-store.node.ts';
import { checkForUpdate } from '../loading/check-for-update.ts';
import { releaseLease } from '../loading/cache-update.ts';
import { loadCheckpoint } from '../loading/load-checkpoint.ts';
import { localDirectorySource } from '../loading/local-directory-source.node.ts';
import { DirectoryHeadStore } from '../heads/directory-head-store.node.ts';
import type { EnginePlatform } from './classifier-engine.ts';
import { checkpointSourceOf } from './checkpoint-source-of.ts';
import { gateRuntime } from './gated-runtime.node.ts';
import type { NativeGate } from './native-gate.node.ts';
import { selectNodeRuntime } from './runtime.node.ts';

/** Node worker: local directories are read from disk; remote files are cached in a directory by content hash. */
function createNodeLoader(): Pick<EnginePlatform, 'loadFiles' | 'releaseFiles'> {
  let store: DirectoryStore | undefined;
  return {
    loadFiles: async (request, onProgress) =>
      loadCheckpoint(checkpointSourceOf(request.source), {
        store: request.cache ? (store ??= new DirectoryStore()) : null,
        lease: true,
        readLocal: localDirectorySource,
        ...(request.networkTimeoutMs ? { stallTimeoutMs: request.networkTimeoutMs } : {}),
        ...(onProgress ? { onProgress } : {}),
      }),
    releaseFiles: async (lease) => {
      if (store) await releaseLease(store, lease);
    },
  };
}

/**
 * Everything the engine needs from Node (a worker_thread): onnxruntime-node behind the native gate
 * (so the host never stops the thread inside it), local directories and a directory cache, and a
 * directory of personalized heads (EDGETUNE_HEADS_DIR or the user's data dir).
 */
export function nodePlatform(gate: NativeGate): EnginePlatform {
  return {
    selectRuntime: gateRuntime(selectNodeRuntime, gate),
    ...createNodeLoader(),
    checkForUpdate: (request, current) =>
      checkForUpdate(checkpointSourceOf(request.source), current, {
        readLocal: localDirectorySource,
        ...(request.networkTimeoutMs ? { stallTimeoutMs: request.networkTimeoutMs } : {}),
      }),
    openHeadStore: async () => new DirectoryHeadStore(),
  };
}
