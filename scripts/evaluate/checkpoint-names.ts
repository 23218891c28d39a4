import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Checkpoint directories under `modelsDir`, i.e. those holding a model.onnx, sorted by name. */
export async function listCheckpoints(modelsDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(modelsDir);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const name of entries.sort()) {
    const model = await stat(join(modelsDir, name, 'model.onnx')).catch(() => undefined);
    if (model?.isFile()) found.push(name);
  }
  return found;
}

/**
 * The checkpoints a --model value names, in `available`: a directory name (`mnist-cnn`), the
 * architecture name `npm run train` takes (`cnn`, written to `mnist-cnn`), or `all`.
 * Empty when nothing matches.
 */
export function resolveCheckpoints(requested: string, available: readonly string[]): string[] {
  if (requested === 'all') return [...available];
  for (const candidate of [requested, `mnist-${requested}`]) {
    if (available.includes(candidate)) return [candidate];
  }
  return [];
}
