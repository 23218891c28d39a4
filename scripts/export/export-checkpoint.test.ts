import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from '../../test/support/tfjs-cpu-backend.ts';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../sdk/src/artifacts/manifest.ts';
import { decodeSafetensors } from '../../sdk/src/artifacts/safetensors.ts';
import { buildOnnxArtifacts, exportCheckpoint, type ExportCheckpointOptions, type TestAccuracy } from './export-checkpoint.ts';
import { buildCnn } from './test-fixtures.ts';

let root: string;
beforeAll(async () => {
  await useTfjsCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'edgetune-export-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const accuracy: TestAccuracy = {
  value: 0.5,
  correct: 5,
  total: 10,
  dataset: 'mnist-test-10k',
  runtime: 'onnxruntime-node test',
  file: 'model.onnx',
};

function options(outDir: string, overrides: Partial<ExportCheckpointOptions> = {}): ExportCheckpointOptions {
  return {
    name: 'mnist-cnn',
    version: '1.0.0',
    headLayers: 2,
    outDir,
    training: { epochs: 3, seed: 1 },
    measureAccuracy: async () => accuracy,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('exportCheckpoint', () => {
  const model = buildCnn(['same', 'valid'], 31);

  it('writes every artifact with a valid manifest whose digests match the files', async () => {
    const outDir = join(root, 'fresh', 'mnist-cnn');
    let measured: Uint8Array | undefined;
    const manifest = await exportCheckpoint(model, options(outDir, { measureAccuracy: async (bytes) => ((measured = bytes), accuracy) }));

    expect((await readdir(outDir)).sort()).toEqual(['head.onnx', 'head.safetensors', 'manifest.json', 'model.onnx', 'train-step.onnx']);
    const written = parseManifest(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')));
    expect(written).toEqual(manifest);
    for (const [file, digest] of Object.entries(manifest.files)) {
      const bytes = await readFile(join(outDir, file));
      expect(digest).toEqual({ sha256: sha256(bytes), bytes: bytes.length });
    }
    expect(Object.keys(manifest.files)).not.toContain('manifest.json');
    expect(Buffer.from(measured!).equals(await readFile(join(outDir, 'model.onnx')))).toBe(true);

    expect(manifest.testAccuracy).toEqual(accuracy);
    expect(manifest.training).toEqual({ epochs: 3, seed: 1 });
    expect(manifest.input.shape).toEqual([null, 1, 28, 28]);
    expect(manifest.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(manifest.head.layers).toBe(2);
    expect(manifest.featureSize).toBe(manifest.head.parameters[0]!.shape[0]);
    expect(manifest.outputs.features.shape).toEqual([null, manifest.featureSize]);
    expect(manifest.flops).toBeGreaterThan(0);
  });

  it('stores the pretrained head in head.safetensors under the head.onnx input names', async () => {
    const outDir = join(root, 'weights', 'mnist-cnn');
    const manifest = await exportCheckpoint(model, options(outDir));
    const { tensors, metadata } = decodeSafetensors(await readFile(join(outDir, 'head.safetensors')));
    const expected = buildOnnxArtifacts(model, 2).headParameters;
    expect([...tensors.keys()]).toEqual(manifest.head.parameters.map((p) => p.name));
    for (const p of expected) {
      expect(tensors.get(p.name)!.shape).toEqual(p.shape);
      expect(tensors.get(p.name)!.data).toEqual(p.data);
    }
    expect(metadata).toMatchObject({ name: 'mnist-cnn', version: '1.0.0' });
  });

  it('replaces an existing checkpoint, keeps its subfolders and leaves no temporary directory', async () => {
    const parent = join(root, 'existing');
    const outDir = join(parent, 'mnist-cnn');
    await mkdir(join(outDir, 'training'), { recursive: true });
    await writeFile(join(outDir, 'training', 'model.json'), '{"source":true}');
    await writeFile(join(outDir, 'model.onnx'), 'stale');
    await writeFile(join(outDir, 'notes.txt'), 'from the previous version');

    await exportCheckpoint(model, options(outDir));
    expect(await readFile(join(outDir, 'training', 'model.json'), 'utf8')).toBe('{"source":true}');
    expect((await readFile(join(outDir, 'model.onnx'))).length).toBeGreaterThan(100);
    expect(await readdir(outDir)).not.toContain('notes.txt');
    expect(await readdir(parent)).toEqual(['mnist-cnn']);
  });

  it('leaves the previous checkpoint untouched when the export fails', async () => {
    const parent = join(root, 'failing');
    const outDir = join(parent, 'mnist-cnn');
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'model.onnx'), 'previous');
    await expect(
      exportCheckpoint(model, options(outDir, { measureAccuracy: async () => Promise.reject(new Error('no test data')) })),
    ).rejects.toThrow('no test data');
    await expect(exportCheckpoint(model, options(outDir, { version: 'v1' }))).rejects.toThrow(/manifest.version/);
    expect(await readFile(join(outDir, 'model.onnx'), 'utf8')).toBe('previous');
    expect(await readdir(parent)).toEqual(['mnist-cnn']);
  });

  it('is reproducible: the same weights give byte-identical checkpoints', async () => {
    const first = join(root, 'repro-a', 'm');
    const second = join(root, 'repro-b', 'm');
    await exportCheckpoint(model, options(first));
    await exportCheckpoint(buildCnn(['same', 'valid'], 31), options(second));
    for (const file of await readdir(first)) {
      expect(Buffer.from(await readFile(join(second, file))).equals(await readFile(join(first, file))), file).toBe(true);
    }
  });
});
