import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The checkpoint every contender runs. */
export const BENCH_MODEL = 'mnist-cnn';

export interface BenchCheckpoint {
  readonly name: string;
  /** Absolute checkpoint directory. */
  readonly directory: string;
  /** Absolute models directory (what the browser bench serves). */
  readonly modelsDir: string;
  readonly version: string;
  /** Floating-point operations per image, counted at export (multiply-adds count as 2). */
  readonly flops: number;
  readonly inputName: string;
  readonly probsName: string;
}

interface ManifestSlice {
  readonly version?: unknown;
  readonly flops?: unknown;
  readonly input?: { readonly name?: unknown };
  readonly outputs?: { readonly probs?: { readonly name?: unknown } };
}

export async function readBenchCheckpoint(modelsDir: string): Promise<BenchCheckpoint> {
  const directory = resolve(modelsDir, BENCH_MODEL);
  const manifestPath = join(directory, 'manifest.json');
  let manifest: ManifestSlice;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ManifestSlice;
  } catch (cause) {
    throw new RangeError(
      `no readable checkpoint at ${manifestPath} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); ` +
        'train one with `npm run train -- --model cnn`, or point --models-dir / EDGETUNE_MODELS_DIR at a directory holding mnist-cnn/',
      { cause },
    );
  }
  const { flops, version } = manifest;
  if (typeof flops !== 'number' || !(flops > 0)) throw new RangeError(`${manifestPath} has no positive "flops" per image; re-export the checkpoint`);
  return {
    name: BENCH_MODEL,
    directory,
    modelsDir: resolve(modelsDir),
    version: String(version),
    flops,
    inputName: typeof manifest.input?.name === 'string' ? manifest.input.name : 'image',
    probsName: typeof manifest.outputs?.probs?.name === 'string' ? manifest.outputs.probs.name : 'probs',
  };
}
