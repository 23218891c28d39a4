import * as ort from 'onnxruntime-node';
import { createRequire } from 'node:module';
import { loadMnistSplit, PIXELS, takeFirst, toUnitFloat } from '../data/mnist.ts';

export interface OnnxAccuracy {
  readonly value: number;
  readonly correct: number;
  readonly total: number;
  /** confusion[true][predicted] */
  readonly confusion: number[][];
  readonly runtime: string;
}

export function onnxRuntimeNodeVersion(): string {
  const require = createRequire(import.meta.url);
  return `onnxruntime-node ${(require('onnxruntime-node/package.json') as { version: string }).version}`;
}

/** Accuracy of a model.onnx (input `image` NCHW, output `probs`) on the MNIST test set, run by ONNX Runtime. */
export async function evaluateOnnxModel(modelOnnx: Uint8Array, options: { limit?: number } = {}): Promise<OnnxAccuracy> {
  const fullTest = await loadMnistSplit('test');
  const test = options.limit ? takeFirst(fullTest, options.limit) : fullTest;
  const session = await ort.InferenceSession.create(modelOnnx, { intraOpNumThreads: 1 });
  try {
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    let correct = 0;
    const batch = 500;
    for (let start = 0; start < test.count; start += batch) {
      const n = Math.min(batch, test.count - start);
      const image = new ort.Tensor('float32', toUnitFloat(test.images.subarray(start * PIXELS, (start + n) * PIXELS)), [n, 1, 28, 28]);
      const { probs } = await session.run({ image }, ['probs']);
      const scores = probs!.data as Float32Array;
      for (let i = 0; i < n; i++) {
        let predicted = 0;
        for (let c = 1; c < 10; c++) if (scores[i * 10 + c]! > scores[i * 10 + predicted]!) predicted = c;
        const label = test.labels[start + i]!;
        confusion[label]![predicted]!++;
        if (predicted === label) correct++;
      }
    }
    return { value: correct / test.count, correct, total: test.count, confusion, runtime: onnxRuntimeNodeVersion() };
  } finally {
    await session.release();
  }
}

/** A confusion matrix as aligned text, rows = true digit, columns = predicted digit. */
export function formatConfusion(confusion: number[][]): string {
  const header = `true\\pred ${Array.from({ length: 10 }, (_, i) => String(i).padStart(5)).join('')}`;
  const rows = confusion.map((row, i) => `${String(i).padStart(9)} ${row.map((v) => String(v).padStart(5)).join('')}`);
  return [header, ...rows].join('\n');
}
