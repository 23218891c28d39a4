/**
 * Compares an exported model.onnx (run by onnxruntime-node) with the tfjs model it came from.
 * Reusable beyond unit tests, e.g. for parity checks of committed checkpoints on MNIST.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';

export interface ParityReport {
  readonly count: number;
  /** max |probs_onnx - probs_tfjs| over all images and classes. */
  readonly maxAbsProbsDiff: number;
  /** Images whose top class differs. */
  readonly argmaxMismatches: number;
  /** Fraction of images with the same top class. */
  readonly argmaxAgreement: number;
  /** max |features_onnx - input of the first head Dense in tfjs|; null if headLayers was not given. */
  readonly maxAbsFeaturesDiff: number | null;
}

export interface ParityOptions {
  /** Head size K used for the export, to also compare the `features` output. */
  headLayers?: number;
  batchSize?: number;
}

/**
 * `images` holds N images in the tfjs input layout (NHWC, e.g. N x 28 x 28 x 1); they are
 * transposed to NCHW for ONNX (a no-op copy for one channel).
 */
export async function compareOnnxWithTfjs(
  model: tf.LayersModel,
  modelOnnx: Uint8Array,
  images: Float32Array,
  { headLayers, batchSize = 256 }: ParityOptions = {},
): Promise<ParityReport> {
  const [height, width, channels] = model.inputs[0]!.shape.slice(1) as [number, number, number];
  const pixels = height * width * channels;
  const count = images.length / pixels;
  if (!Number.isInteger(count)) throw new RangeError(`images length ${images.length} is not a multiple of ${pixels}`);
  const featureModel = headLayers === undefined ? null : tf.model({ inputs: model.inputs, outputs: headInput(model, headLayers) });

  const session = await ort.InferenceSession.create(modelOnnx, { intraOpNumThreads: 1 });
  let maxAbsProbsDiff = 0;
  let maxAbsFeaturesDiff = 0;
  let argmaxMismatches = 0;
  try {
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const batch = images.subarray(start * pixels, (start + n) * pixels);
      const image = new ort.Tensor('float32', nhwcToNchw(batch, n, height, width, channels), [n, channels, height, width]);
      const result = await session.run({ image });
      const onnxProbs = result.probs!.data as Float32Array;
      const input = tf.tensor4d(batch, [n, height, width, channels]);
      const tfjsProbs = predictFlat(model, input);
      const tfjsFeatures = featureModel ? predictFlat(featureModel, input) : null;
      input.dispose();
      maxAbsProbsDiff = Math.max(maxAbsProbsDiff, maxAbsDiff(onnxProbs, tfjsProbs));
      const classes = tfjsProbs.length / n;
      for (let i = 0; i < n; i++) {
        if (argmax(onnxProbs, i * classes, classes) !== argmax(tfjsProbs, i * classes, classes)) argmaxMismatches++;
      }
      if (tfjsFeatures) maxAbsFeaturesDiff = Math.max(maxAbsFeaturesDiff, maxAbsDiff(result.features!.data as Float32Array, tfjsFeatures));
    }
  } finally {
    await session.release();
  }
  return {
    count,
    maxAbsProbsDiff,
    argmaxMismatches,
    argmaxAgreement: count === 0 ? 1 : (count - argmaxMismatches) / count,
    maxAbsFeaturesDiff: featureModel ? maxAbsFeaturesDiff : null,
  };
}

/** The tfjs tensor the exported `features` output stands for: the input of the K-th last Dense layer. */
export function headInput(model: tf.LayersModel, headLayers: number): tf.SymbolicTensor {
  const denseLayers = model.layers.filter((layer) => layer.getClassName() === 'Dense');
  const first = denseLayers[denseLayers.length - headLayers];
  if (first === undefined) throw new RangeError(`model has ${denseLayers.length} Dense layers, fewer than headLayers=${headLayers}`);
  return first.input as tf.SymbolicTensor;
}

function predictFlat(model: tf.LayersModel, input: tf.Tensor): Float32Array {
  const output = model.predict(input) as tf.Tensor;
  const values = output.dataSync() as Float32Array;
  output.dispose();
  return values;
}

export function nhwcToNchw(data: Float32Array, n: number, height: number, width: number, channels: number): Float32Array {
  if (channels === 1) return data.slice();
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        for (let c = 0; c < channels; c++) {
          out[((b * channels + c) * height + h) * width + w] = data[((b * height + h) * width + w) * channels + c]!;
        }
      }
    }
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function argmax(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}
