import * as ort from 'onnxruntime-node';
import { PIXELS, toUnitFloat } from '../data/mnist.ts';

/** The predicted class of every image (uint8 28x28, white on black) by a model.onnx, run in batches by ONNX Runtime. */
export async function predictWithOnnx(modelOnnx: Uint8Array, images: Uint8Array, count: number): Promise<Uint8Array> {
  const session = await ort.InferenceSession.create(modelOnnx, { intraOpNumThreads: 1 });
  try {
    const predictions = new Uint8Array(count);
    const batch = 500;
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const image = new ort.Tensor('float32', toUnitFloat(images.subarray(start * PIXELS, (start + n) * PIXELS)), [n, 1, 28, 28]);
      const { probs } = await session.run({ image }, ['probs']);
      const scores = probs!.data as Float32Array;
      const classes = scores.length / n;
      for (let i = 0; i < n; i++) {
        let predicted = 0;
        for (let c = 1; c < classes; c++) if (scores[i * classes + c]! > scores[i * classes + predicted]!) predicted = c;
        predictions[start + i] = predicted;
      }
    }
    return predictions;
  } finally {
    await session.release();
  }
}
