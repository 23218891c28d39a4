/**
 * Test helpers that run in Node and in the browser: a checkpoint of random files with a manifest
 * that passes parseManifest. The Node-only server lives in test-checkpoint-server.ts.
 */
import type { Manifest } from '../artifacts/manifest.ts';
import { sha256Hex } from './bytes.ts';

export interface TestCheckpoint {
  readonly manifest: Manifest;
  readonly files: Record<string, Uint8Array>;
}

export const FILE_SIZES: Record<string, number> = {
  'model.onnx': 300_000,
  'head.onnx': 20_000,
  'train-step.onnx': 45_000,
  'head.safetensors': 5_000,
};

/** Random file bytes; `reuse` keeps files from another checkpoint (unchanged files across versions). */
export async function makeCheckpoint(version: string, reuse: Partial<Record<string, Uint8Array>> = {}): Promise<TestCheckpoint> {
  const files: Record<string, Uint8Array> = {};
  const digests: Record<string, { sha256: string; bytes: number }> = {};
  for (const [name, size] of Object.entries(FILE_SIZES)) {
    const bytes = reuse[name] ?? randomBytes(size);
    files[name] = bytes;
    digests[name] = { sha256: await sha256Hex(bytes), bytes: bytes.length };
  }
  const manifest = {
    manifestVersion: 1,
    name: 'mnist-test',
    version,
    createdAt: '2025-01-01T00:00:00Z',
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    input: {
      name: 'image',
      shape: [null, 1, 28, 28],
      dtype: 'float32',
      layout: 'NCHW',
      range: [0, 1],
      polarity: 'white-on-black',
      preprocessing: 'pixel / 255',
    },
    outputs: { probs: { name: 'probs', shape: [null, 10] }, features: { name: 'features', shape: [null, 16] } },
    featureSize: 16,
    head: {
      layers: 1,
      parameters: [
        { name: 'head.weight', shape: [16, 10] },
        { name: 'head.bias', shape: [10] },
      ],
      outputs: { probs: 'probs', logits: 'logits' },
      trainStep: {
        inputs: {
          features: 'features',
          labels: 'labels',
          learningRate: 'learning_rate',
          momentum: 'momentum',
          l2Sp: 'l2_sp',
          velocityPrefix: 'velocity.',
          anchorPrefix: 'anchor.',
        },
        outputs: { loss: 'loss', parameterPrefix: 'updated.', velocityPrefix: 'updated_velocity.' },
      },
    },
    testAccuracy: { value: 0.9, correct: 9, total: 10, dataset: 'mnist-test', runtime: 'onnxruntime-node', file: 'model.onnx' },
    training: {},
    flops: 1000,
    files: digests,
  } as Manifest;
  return { manifest, files };
}

function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
  return bytes;
}

/** Byte equality without vitest's element-by-element deep equal (slow on 300 kB arrays). */
export function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array | undefined): boolean {
  if (actual === undefined || expected === undefined || actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return false;
  return true;
}
