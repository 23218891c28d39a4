import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from 'fast-png';
import * as ort from 'onnxruntime-node';
import type { TestProject } from 'vitest/node';
import { loadMnistSplit, PIXELS } from '../../scripts/data/mnist.ts';
import { checkpointNames } from '../../scripts/publish/checkpoint-names.ts';
import { toModelBatch, toModelInput } from '../../sdk/src/input/to-model-input.ts';
import { PARITY_COUNT, type EdgeFixtures } from './provided.ts';

/*
 * Runs in Node before the workerd tests: reads the committed checkpoints and computes the
 * reference answers with onnxruntime-node at setup time, so no expected value is committed.
 */
export default async function setup(project: TestProject): Promise<void> {
  const modelsDir = process.env.EDGETUNE_MODELS_DIR ?? 'models';
  const names = await checkpointNames(modelsDir);
  const test = await loadMnistSplit('test');
  const images = test.images.slice(0, PARITY_COUNT * PIXELS);
  const png = digitDrawing(test.images.subarray(PARITY_COUNT * PIXELS, (PARITY_COUNT + 1) * PIXELS));
  const pngInput = toModelInput({ data: png.data, width: png.width, height: png.height, channels: 4 }, 'png');

  const checkpoints: EdgeFixtures['checkpoints'][number][] = [];
  const referenceProbs: Record<string, number[]> = {};
  const pngProbs: Record<string, number[]> = {};
  for (const name of names) {
    const dir = join(modelsDir, name);
    const manifestText = await readFile(join(dir, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(manifestText) as { files: Record<string, unknown> };
    const files: Record<string, string> = {};
    for (const file of Object.keys(manifest.files)) files[file] = (await readFile(join(dir, file))).toString('base64');
    checkpoints.push({ name, manifest: manifestText, files });

    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    try {
      const batch = toModelBatch(Array.from({ length: PARITY_COUNT }, (_, i) => images.subarray(i * PIXELS, (i + 1) * PIXELS)));
      referenceProbs[name] = await probs(session, batch, PARITY_COUNT);
      pngProbs[name] = await probs(session, pngInput, 1);
    } finally {
      await session.release();
    }
  }
  const fixtures: EdgeFixtures = {
    checkpoints,
    images: Buffer.from(images).toString('base64'),
    referenceProbs,
    png: { bytes: Buffer.from(encode({ width: png.width, height: png.height, data: png.data, channels: 4, depth: 8 })).toString('base64'), probs: pngProbs },
  };
  project.provide('edgeFixtures', fixtures);
}

async function probs(session: ort.InferenceSession, pixels: Float32Array, count: number): Promise<number[]> {
  const result = await session.run({ image: new ort.Tensor('float32', pixels, [count, 1, 28, 28]) });
  return Array.from(result['probs']!.data as Float32Array);
}

/** An MNIST digit drawn the way an app would send it: 5x larger, dark ink on an opaque white RGBA canvas. */
function digitDrawing(digit: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const scale = 5;
  const width = 28 * scale + 13;
  const height = 28 * scale + 7;
  const data = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const ink = digit[Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
      const at = ((y + 3) * width + x + 9) * 4;
      data[at] = data[at + 1] = data[at + 2] = 255 - ink;
    }
  }
  return { width, height, data };
}
