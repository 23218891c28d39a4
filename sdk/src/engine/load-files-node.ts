import { DirectoryStore } from '../loading/directory-store.node.ts';
import { loadCheckpoint } from '../loading/load-checkpoint.ts';
import { localDirectorySource } from '../loading/local-directory-source.node.ts';
import { DirectoryHeadStore } from '../heads/directory-head-store.node.ts';
import type { EnginePlatform } from './classifier-engine.ts';
import { checkpointSourceOf } from './checkpoint-source-of.ts';

/** Node worker: local directories are read from disk; remote files are cached in a directory by content hash. */
export function createNodeLoader(): EnginePlatform['loadFiles'] {
  let store: DirectoryStore | undefined;
  return async (request, onProgress) =>
    loadCheckpoint(checkpointSourceOf(request.source), {
      store: request.cache ? (store ??= new DirectoryStore()) : null,
      readLocal: localDirectorySource,
      ...(request.networkTimeoutMs ? { stallTimeoutMs: request.networkTimeoutMs } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
}

/** Node worker: personalized heads live in a directory (EDGETUNE_HEADS_DIR or the user's data dir). */
export const openNodeHeadStore: EnginePlatform['openHeadStore'] = async () => new DirectoryHeadStore();
