import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { BrowserCommand } from 'vitest/node';
import { loadMnistSplit, PIXELS, toUnitFloat } from '../../scripts/data/mnist.ts';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Probabilities of `model` on MNIST t10k images [offset, offset+count), computed by onnxruntime-node. */
    nodeReferenceProbs: (model: string, count: number, offset?: number) => Promise<number[]>;
  }
}

/** The Node result browser backends are compared with. */
export const nodeReferenceProbs: BrowserCommand<[model: string, count: number, offset?: number], number[]> = async (
  _context,
  model,
  count,
  offset = 0,
) => {
  if (!/^[a-z0-9-]+$/.test(model)) throw new RangeError(`nodeReferenceProbs: bad model name "${model}"`);
  const dir = resolve(process.env.EDGETUNE_MODELS_DIR ?? 'models', model);
  const session = await ort.InferenceSession.create(await readFile(join(dir, 'model.onnx')));
  try {
    const test = await loadMnistSplit('test');
    const images = toUnitFloat(test.images.subarray(offset * PIXELS, (offset + count) * PIXELS));
    const { probs } = await session.run({ image: new ort.Tensor('float32', images, [count, 1, 28, 28]) });
    return Array.from(probs!.data as Float32Array);
  } finally {
    await session.release();
  }
};
