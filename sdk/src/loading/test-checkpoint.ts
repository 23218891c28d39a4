/**
 * Test helpers that run in Node and in the browser: a checkpoint of random files with a manifest
 * that passes parseManifest. The Node-only server lives in test-checkpoint-server.ts.
 */
import type { Manifest } from '../artifacts/manifest.ts';
import { sampleManifest } from '../artifacts/test-manifest.ts';
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
  const manifest = sampleManifest({ name: 'mnist-test', version, featureSize: 16, files: digests });
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
