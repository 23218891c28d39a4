import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../repo-root.ts';

export interface BundleSize {
  readonly file: string;
  readonly minifiedBytes: number;
  /** node:zlib gzip at its default level (6), as `gzip` and most servers compress. */
  readonly gzipBytes: number;
}

const BROWSER_FILES = ['dist/browser/index.js', 'dist/browser/browser-worker.js', 'dist/browser/browser-worker-wasm.js'] as const;

/**
 * The SDK's own JavaScript as an app ships it: each browser entry re-bundled and minified, ONNX
 * Runtime Web left out (it is the app's dependency, and its wasm dwarfs everything else).
 */
async function measureFile(file: string): Promise<BundleSize> {
  const path = resolve(REPO_ROOT, file);
  if (!existsSync(path)) throw new RangeError(`${path} is missing; run \`npm run build\` first`);
  const result = await build({
    entryPoints: [path],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['onnxruntime-web', 'onnxruntime-web/*'],
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${file}`);
  return { file, minifiedBytes: output.contents.byteLength, gzipBytes: gzipSync(output.contents).byteLength };
}

export async function measureSdkSize(): Promise<BundleSize[]> {
  return Promise.all(BROWSER_FILES.map(measureFile));
}
