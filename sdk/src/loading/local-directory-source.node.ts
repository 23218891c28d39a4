import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EdgetuneError, ErrorCodes, InputRangeError } from '../errors.ts';
import { ownedBytes } from './bytes.ts';
import { abortedError, describeCause } from './load-errors.ts';
import type { LocalReader } from './local-reader.ts';
import { NotRegularFileError, readRegularFile } from '../node-files/read-regular-file.node.ts';

/** Checkpoints in a local directory (models/<name>/), given as a path or a file:// URL. */
export const localDirectorySource: LocalReader = {
  async resolveManifestUrl(location: string): Promise<string> {
    const path = toPath(location);
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (cause) {
      throw unreadable(path, cause);
    }
    if (isDirectory) return pathToFileURL(join(path, 'manifest.json')).href;
    // Exactly the file named: a neighbour's manifest.json is never loaded in its place.
    if (path.toLowerCase().endsWith('.json')) return pathToFileURL(path).href;
    throw new InputRangeError(
      `${path} is neither a checkpoint directory nor a manifest .json file: pass the directory holding manifest.json, ` +
        'or the path of the manifest itself.',
    );
  },

  async readFile(fileUrl: string, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
    const path = toPath(fileUrl);
    try {
      return ownedBytes(await readRegularFile(path, signal));
    } catch (cause) {
      if (signal?.aborted) throw abortedError(`Reading ${path}`, signal);
      throw unreadable(path, cause);
    }
  },
};

function toPath(location: string): string {
  if (!location.startsWith('file:')) return resolve(location);
  try {
    return fileURLToPath(location);
  } catch (cause) {
    throw new EdgetuneError(ErrorCodes.FETCH_FAILED, `${location} is not a local file URL (${describeCause(cause)})`, { cause });
  }
}

function unreadable(path: string, cause: unknown): EdgetuneError {
  const missing = (cause as { code?: unknown }).code === 'ENOENT';
  return new EdgetuneError(
    ErrorCodes.FETCH_FAILED,
    missing
      ? `${path} does not exist: pass a checkpoint directory holding manifest.json and the files it lists.`
      : cause instanceof NotRegularFileError
        ? `${path} is not a regular file (a FIFO, device or directory): replace it with the checkpoint's file.`
        : `Could not read ${path} (${describeCause(cause)}).`,
    { cause },
  );
}
