import { createRequire } from 'node:module';
import { loadMnistSplit, takeFirst } from '../data/mnist.ts';
import { predictWithOnnx } from './predict-onnx.ts';

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
  const predictions = await predictWithOnnx(modelOnnx, test.images, test.count);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    const label = test.labels[i]!;
    confusion[label]![predictions[i]!]!++;
    if (predictions[i] === label) correct++;
  }
  return { value: correct / test.count, correct, total: test.count, confusion, runtime: onnxRuntimeNodeVersion() };
}

/** A confusion matrix as aligned text, rows = true digit, columns = predicted digit. */
export function formatConfusion(confusion: number[][]): string {
  const header = `true\\pred ${Array.from({ length: 10 }, (_, i) => String(i).padStart(5)).join('')}`;
  const rows = confusion.map((row, i) => `${String(i).padStart(9)} ${row.map((v) => String(v).padStart(5)).join('')}`);
  return [header, ...rows].join('\n');
}
