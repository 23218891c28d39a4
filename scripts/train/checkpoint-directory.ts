import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A checkpoint is assembled in a sibling staging directory and moved into place by renames only
 * once complete, so an interrupted run never leaves a half-written model under the real name.
 */
export async function createStagingDirectory(finalDir: string): Promise<string> {
  await mkdir(dirname(finalDir), { recursive: true });
  const staging = join(dirname(finalDir), `${basename(finalDir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  return staging;
}

export async function commitStagingDirectory(staging: string, finalDir: string): Promise<void> {
  const retired = `${finalDir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  let hadPrevious = true;
  try {
    await rename(finalDir, retired);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadPrevious = false;
  }
  try {
    await rename(staging, finalDir);
  } catch (error) {
    if (hadPrevious) await rename(retired, finalDir);
    throw error;
  }
  if (hadPrevious) await rm(retired, { recursive: true, force: true });
}
