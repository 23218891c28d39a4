import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The path exists but is a FIFO, device, socket or directory: nothing a cache, head or checkpoint file can be. */
export class NotRegularFileError extends Error {
  override name = 'NotRegularFileError';
  constructor(readonly path: string) {
    super(`${path} is not a regular file`);
  }
}

/**
 * Reads a whole regular file. A plain readFile() of a FIFO blocks in open() until a writer
 * appears, forever, holding a libuv thread; so the file is opened with O_NONBLOCK (which makes
 * no difference to a regular file) and checked with fstat on that same handle before reading.
 */
export async function readRegularFile(path: string, signal?: AbortSignal): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (!(await handle.stat()).isFile()) throw new NotRegularFileError(path);
    return await handle.readFile(signal ? { signal } : {});
  } finally {
    await handle.close();
  }
}
