/**
 * tfjs (channels last) -> ONNX (channels first) conversions: kernel layouts, TF-style
 * padding and the element order of a flattened feature map.
 */
import type { Padding } from './layer-graph.ts';

/** Conv kernel [kh, kw, in, out] -> [out, in, kh, kw]. */
export function convKernelToOihw(kernel: Float32Array, kh: number, kw: number, inChannels: number, outChannels: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < inChannels; i++) {
        for (let o = 0; o < outChannels; o++) {
          out[((o * inChannels + i) * kh + y) * kw + x] = kernel[((y * kw + x) * inChannels + i) * outChannels + o]!;
        }
      }
    }
  }
  return out;
}

/**
 * Begin/end padding along one spatial axis, as TensorFlow computes it: 'same' pads to
 * ceil(size / stride) outputs and puts the odd extra pixel at the end.
 */
export function axisPadding(padding: Padding, size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  if (padding === 'valid') return [0, 0];
  const effectiveKernel = (kernel - 1) * dilation + 1;
  const outputSize = Math.ceil(size / stride);
  const total = Math.max((outputSize - 1) * stride + effectiveKernel - size, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** ONNX `pads` ([top, left, bottom, right]) for a 2-D window over [height, width]. */
export function onnxPads(
  padding: Padding,
  [height, width]: readonly [number, number],
  [kh, kw]: readonly [number, number],
  [sh, sw]: readonly [number, number],
  [dh, dw]: readonly [number, number] = [1, 1],
): number[] {
  const [top, bottom] = axisPadding(padding, height, kh, sh, dh);
  const [left, right] = axisPadding(padding, width, kw, sw, dw);
  return [top, left, bottom, right];
}

/** Output size of an ONNX conv/pool window (floor mode) with explicit pads. */
export function windowOutputSize(size: number, padBegin: number, padEnd: number, kernel: number, stride: number, dilation = 1): number {
  return Math.floor((size + padBegin + padEnd - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/**
 * For a [height, width, channels] map flattened in NCHW order, the tfjs (NHWC) flat index of
 * each position: a Dense kernel whose rows are picked in this order needs no Transpose.
 */
export function nchwFlattenOrder(height: number, width: number, channels: number): Int32Array {
  const order = new Int32Array(height * width * channels);
  for (let c = 0; c < channels; c++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) order[(c * height + h) * width + w] = (h * width + w) * channels + c;
    }
  }
  return order;
}

/** Dense kernel [in, out] with its rows reordered: row j of the result is row order[j]. */
export function permuteKernelRows(kernel: Float32Array, order: Int32Array, outUnits: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let j = 0; j < order.length; j++) out.set(kernel.subarray(order[j]! * outUnits, (order[j]! + 1) * outUnits), j * outUnits);
  return out;
}
