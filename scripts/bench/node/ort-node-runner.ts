import * as ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectNodeRuntime } from '../../../sdk/src/engine/runtime.node.ts';
import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import type { BenchImages } from '../bench-images.ts';
import { argmaxRows, type NodeRunner } from './node-runner.ts';

const CLASSES = 10;

/**
 * onnxruntime-node called on the caller's thread: the ceiling the SDK's worker is measured against.
 * With `runOf`, the batch goes through in runs of that many images, as the SDK's worker does it,
 * which shows how much of the SDK's speed comes from that split rather than from the worker.
 */
export async function createOrtNodeRunner(
  checkpoint: BenchCheckpoint,
  images: BenchImages,
  threads: number,
  runOf?: number,
): Promise<NodeRunner> {
  // The SDK's own runtime selector, so both sides run with the same session options by construction.
  const { sessionOptions } = await selectNodeRuntime('cpu', threads);
  const session = await ort.InferenceSession.create(await readFile(join(checkpoint.directory, 'model.onnx')), sessionOptions);
  const fetches = [checkpoint.probsName];
  const firstPixels = images.pixels.subarray(0, 784);
  const run = async (pixels: Float32Array, count: number): Promise<Float32Array> => {
    const outputs = await session.run({ [checkpoint.inputName]: new ort.Tensor('float32', pixels, [count, 1, 28, 28]) }, fetches);
    return outputs[checkpoint.probsName]!.data as Float32Array;
  };
  const runBatch = async (): Promise<Float32Array> => {
    if (!runOf) return run(images.pixels, images.count);
    const probs = new Float32Array(images.count * CLASSES);
    for (let start = 0; start < images.count; start += runOf) {
      const count = Math.min(runOf, images.count - start);
      probs.set(await run(images.pixels.subarray(start * 784, (start + count) * 784), count), start * CLASSES);
    }
    return probs;
  };
  return {
    runtime: `direct onnxruntime-node ${ort.env.versions.node ?? ''} (cpu, intraOpNumThreads ${threads}${runOf ? `, runs of ${runOf}` : ''})`,
    classifyBatch: runBatch,
    classifyOne: () => run(firstPixels, 1),
    topClasses: async () => argmaxRows(await runBatch(), CLASSES),
    dispose: () => session.release(),
  };
}
