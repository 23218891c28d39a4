import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILES, parseManifest } from '../sdk/src/artifacts/manifest.ts';
import { decodeSafetensors } from '../sdk/src/artifacts/safetensors.ts';
import { runScript, type ScriptResult } from './support/run-script.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const QUICK = ['--epochs', '1', '--limit', '1200', '--seed', '7'];

const temporaries: string[] = [];
async function temporaryDirectory(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporaries.push(dir);
  return dir;
}
afterAll(() => Promise.all(temporaries.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('npm run train, end to end on a small subset', () => {
  let out: string;
  let run: ScriptResult;

  beforeAll(async () => {
    out = await temporaryDirectory('edgetune-train-');
    run = await runScript('scripts/train.ts', ['--model', 'mlp', ...QUICK, '--out', out]);
  });

  it('exits cleanly and reports the ONNX Runtime test accuracy', () => {
    expect(run.stderr).toMatch(/wrote .*mnist-mlp: MNIST test accuracy \d+\.\d+% \(\d+\/10000\) by onnxruntime-node/);
    expect(run.code).toBe(0);
  });

  it('writes exactly the contract files, each matching its manifest digest, and nothing half-written', async () => {
    const dir = join(out, 'mnist-mlp');
    expect((await readdir(out)).sort()).toEqual(['mnist-mlp']);
    expect((await readdir(dir)).sort()).toEqual([...CHECKPOINT_FILES, 'manifest.json', 'training'].sort());
    const manifest = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    for (const file of CHECKPOINT_FILES) {
      const bytes = await readFile(join(dir, file));
      expect(manifest.files[file]).toEqual({ sha256: sha256(bytes), bytes: bytes.length });
    }
    expect(manifest.training).toMatchObject({ selectedEpoch: 1, config: { seed: 7, epochs: 1 } });
    expect((await readdir(join(dir, 'training'))).sort()).toEqual(['curve.svg', 'metrics.json', 'model.json', 'weights.bin']);
    const metrics = JSON.parse(await readFile(join(dir, 'training', 'metrics.json'), 'utf8')) as { history: unknown[] };
    expect(metrics.history).toHaveLength(1);
    expect(await readFile(join(dir, 'training', 'curve.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline/);
  });

  it('produces a checkpoint ONNX Runtime loads: model.onnx, head.onnx and train-step.onnx', async () => {
    const dir = join(out, 'mnist-mlp');
    const manifest = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    const model = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const image = new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.5), [2, 1, 28, 28]);
    const { probs, features } = await model.run({ image });
    expect(probs!.dims).toEqual([2, 10]);
    expect(features!.dims).toEqual([2, manifest.featureSize]);
    const head = decodeSafetensors(await readFile(join(dir, 'head.safetensors')));
    const headSession = await ort.InferenceSession.create(join(dir, 'head.onnx'));
    const feeds: Record<string, ort.Tensor> = { features: features as ort.Tensor };
    for (const { name, shape } of manifest.head.parameters) {
      feeds[name] = new ort.Tensor('float32', head.tensors.get(name)!.data, shape as number[]);
    }
    const headOut = await headSession.run(feeds);
    const a = probs!.data as Float32Array;
    const b = headOut.probs!.data as Float32Array;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    const step = await ort.InferenceSession.create(join(dir, 'train-step.onnx'));
    expect(step.outputNames).toContain('loss');
  });

  it('is deterministic for a given --seed', async () => {
    const again = await temporaryDirectory('edgetune-train-');
    const second = await runScript('scripts/train.ts', ['--model', 'mlp', ...QUICK, '--out', again]);
    expect(second.code).toBe(0);
    const first = await readFile(join(out, 'mnist-mlp', 'model.onnx'));
    const repeat = await readFile(join(again, 'mnist-mlp', 'model.onnx'));
    expect(sha256(repeat)).toBe(sha256(first));
  });
});

describe('npm run train, bad input', () => {
  it('rejects an unknown --model with the accepted names and a non-zero exit', async () => {
    const run = await runScript('scripts/train.ts', ['--model', 'resnet']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unknown --model "resnet": expected one of mlp, cnn, all/);
  });

  it('names the missing data files and what to do', async () => {
    const empty = await temporaryDirectory('edgetune-nodata-');
    const run = await runScript('scripts/train.ts', ['--model', 'mlp', '--data', empty, '--out', empty]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/E_MNIST_DATA.*cannot read MNIST file .*idx.-ubyte.*npm ci/);
  });

  it('stops on divergence (NaN/Inf) with a non-zero exit and writes no checkpoint', async () => {
    const out = await temporaryDirectory('edgetune-nan-');
    const run = await runScript('scripts/train.ts', ['--model', 'mlp', ...QUICK, '--learning-rate', '3e38', '--out', out]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/E_TRAINING_DIVERGED.*NaN or infinite.*nothing was written/);
    expect(await readdir(out)).toEqual([]);
  });
});
