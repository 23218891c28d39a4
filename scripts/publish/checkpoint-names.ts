import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The directories of `modelsDir` that hold a checkpoint (a manifest.json). */
export async function checkpointNames(modelsDir: string): Promise<string[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries) {
    const files = entry.isDirectory() ? await readdir(join(modelsDir, entry.name)) : [];
    if (files.includes('manifest.json')) names.push(entry.name);
  }
  return names.sort();
}
