import { open } from 'node:fs/promises';

/**
 * Writes a new file and flushes it before returning, so that a rename onto the real name never
 * points at missing data after a power loss. Fails if `path` exists ('wx'): callers write to a
 * fresh temporary name and rename it into place.
 */
export async function writeDurably(path: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or unlink itself durable on Linux; where directories cannot be opened (Windows) it is skipped. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Best effort: the data is already in place.
  } finally {
    await handle.close().catch(() => undefined);
  }
}
