import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadLayersModel } from '../../train/tfjs-model-files.ts';
import { useWasmBackend } from '../../train/wasm-backend.ts';
import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import type { BenchImages } from '../bench-images.ts';
import { argmaxRows, type NodeRunner } from './node-runner.ts';

const CLASSES = 10;

/**
 * The same network as TensorFlow.js runs it (the training source model, BatchNorm unfolded) on
 * its WASM backend, which is single-threaded in Node. Input is NHWC [N,28,28,1]: with one
 * channel its memory layout equals the NCHW floats the other runners get.
 */
export async function createTfjsWasmRunner(checkpoint: BenchCheckpoint, images: BenchImages): Promise<NodeRunner> {
  const sourceDir = join(checkpoint.directory, 'training');
  if (!existsSync(join(sourceDir, 'model.json'))) {
    throw new RangeError(`no TensorFlow.js source model at ${sourceDir}/model.json; the tfjs-wasm contender needs the training output`);
  }
  await useWasmBackend();
  const model = await loadLayersModel(sourceDir);
  const predict = async (pixels: Float32Array, count: number): Promise<Float32Array> => {
    const output = tf.tidy(() => model.predict(tf.tensor4d(pixels, [count, 28, 28, 1])) as tf.Tensor);
    try {
      return (await output.data()) as Float32Array;
    } finally {
      output.dispose();
    }
  };
  const firstPixels = images.pixels.subarray(0, 784);
  return {
    runtime: `TensorFlow.js ${tf.version.tfjs} (${tf.getBackend()}, 1 thread in Node)`,
    classifyBatch: () => predict(images.pixels, images.count),
    classifyOne: () => predict(firstPixels, 1),
    topClasses: async () => argmaxRows(await predict(images.pixels, images.count), CLASSES),
    dispose: async () => {
      model.dispose();
    },
  };
}
