import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkpoint } from './publish-model.ts';

/** A checkpoint directory's manifest.json and every file it lists (training/ stays behind). */
export async function readCheckpoint(directory: string): Promise<Checkpoint> {
  let manifestBytes: Uint8Array;
  try {
    manifestBytes = await readFile(join(directory, 'manifest.json'));
  } catch {
    throw new RangeError(`no checkpoint at ${directory} (manifest.json missing); train or export one first`);
  }
  const listed = (JSON.parse(new TextDecoder().decode(manifestBytes)) as { files?: Record<string, unknown> }).files ?? {};
  const files = new Map<string, Uint8Array>();
  for (const fileName of Object.keys(listed)) {
    // Plain names only: a manifest must not reach outside its directory.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(fileName)) throw new RangeError(`manifest lists "${fileName}", which is not a plain file name`);
    files.set(fileName, await readFile(join(directory, fileName)).catch(() => new Uint8Array(0)));
  }
  return { manifestBytes, files };
}
