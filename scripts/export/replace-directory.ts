/**
 * Publishes a directory by renames only: files are written into a temporary sibling which
 * then takes the target's place, so readers never see a half-written checkpoint and an
 * interrupted export leaves the previous one intact.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface DirectoryReplacement {
  /** Files to write, keyed by path relative to the target (subdirectories allowed). */
  readonly files: ReadonlyMap<string, Uint8Array | string>;
  /**
   * Subdirectories of the existing target are carried over (e.g. `training/`, which holds
   * the source model); its plain files belong to the old version and are replaced.
   */
  readonly preserveSubdirectories: boolean;
}

export async function replaceDirectory(target: string, { files, preserveSubdirectories }: DirectoryReplacement): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  // The ".tmp-" infix is what .gitignore excludes.
  const staging = join(dirname(target), `${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const retired = `${staging}-old`;
  await mkdir(staging);
  try {
    for (const [name, content] of files) {
      // Names may be nested ("training/model.json").
      await mkdir(dirname(join(staging, name)), { recursive: true });
      await writeFile(join(staging, name), content);
    }
    if (preserveSubdirectories) {
      for (const entry of await existingEntries(target)) {
        const replaced = [...files.keys()].some((name) => name === entry.name || name.startsWith(`${entry.name}/`));
        if (entry.isDirectory() && !replaced) {
          // Copied, not moved: until the swap below, the target stays complete.
          await cp(join(target, entry.name), join(staging, entry.name), { recursive: true });
        }
      }
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }

  const hadTarget = await renameIfExists(target, retired);
  try {
    await rename(staging, target);
  } catch (error) {
    if (hadTarget) await rename(retired, target);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  if (hadTarget) await rm(retired, { recursive: true, force: true });
}

async function existingEntries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function renameIfExists(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
