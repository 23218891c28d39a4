import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Atomic writes go to `<target>.<uuid>.tmp` first (see the Node stores). */
const TEMPORARY = /\.[0-9a-f-]{36}\.tmp$/;
/** Old enough that no write in progress, even of a slow disk in another process, still owns it. */
export const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Removes the temporary files that a process killed mid-write left in `directory`. Best effort:
 * a missing directory, a file another process removes first or a permission error are ignored,
 * since a leftover temporary file costs disk space, never correctness.
 */
export async function removeStaleTemporaries(directory: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => TEMPORARY.test(name))
      .map(async (name) => {
        const path = join(directory, name);
        try {
          if (now - (await stat(path)).mtimeMs > STALE_AFTER_MS) await rm(path, { force: true });
        } catch {
          // Gone already, or not ours to remove.
        }
      }),
  );
}
