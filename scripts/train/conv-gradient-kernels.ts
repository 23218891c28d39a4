import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/*
 * Convolution gradients for the WASM backend, expressed as forward convolutions so they run on
 * XNNPACK. The backend has no Conv2DBackpropFilter at all, and its Conv2DBackpropInput is a plain
 * loop. Both are checked against the cpu backend in conv-gradient-kernels.test.ts.
 */

interface ConvGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Backend = { incRef(dataId: unknown): void };

/** Hands a tensor computed with public ops back to the engine as a kernel output. */
function asKernelOutput(backend: Backend, result: tf.Tensor): TensorInfo {
  backend.incRef(result.dataId);
  const info = { dataId: result.dataId, shape: result.shape.slice(), dtype: result.dtype };
  result.dispose();
  return info;
}

/** Wraps a kernel input as a tensor; the extra reference keeps the input alive when the wrapper is disposed. */
function asTensor(backend: Backend, info: TensorInfo): tf.Tensor {
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

function pair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

function assertNhwc(attrs: ConvGradAttrs, kernel: string) {
  if (attrs.dataFormat !== 'NHWC') throw new Error(`${kernel}: only NHWC is supported on wasm, got ${attrs.dataFormat}`);
}

/** dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*s+kh-top, ow*s+kw-left, ci] * dy[n,oh,ow,co]:
 *  a convolution of x (batch and channel axes swapped) with dy as the filter, dilated by the stride. */
const backpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
  assertNhwc(a, 'Conv2DBackpropFilter');
  const [kh, kw] = a.filterShape;
  const strides = pair(a.strides);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], a.filterShape, strides, 1, a.pad, a.dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const result = tf.tidy(() => {
    const xT = tf.transpose(asTensor(backend as unknown as Backend, x) as tf.Tensor4D, [3, 1, 2, 0]);
    const dyT = tf.transpose(asTensor(backend as unknown as Backend, dy) as tf.Tensor4D, [1, 2, 0, 3]);
    const pads: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
    const grad = tf.conv2d(xT, dyT, 1, pads, 'NHWC', strides);
    return tf.transpose(tf.slice(grad, [0, 0, 0, 0], [-1, kh, kw, -1]), [1, 2, 0, 3]);
  });
  return asKernelOutput(backend as unknown as Backend, result);
};

/** dx for stride 1: a full convolution of dy with the filter rotated 180 degrees, in/out swapped. */
function makeBackpropInput(fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
    assertNhwc(a, 'Conv2DBackpropInput');
    const strides = pair(a.strides);
    if ((strides[0] !== 1 || strides[1] !== 1) && fallback) return fallback(args);
    const [kh, kw] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape, filter.shape as [number, number, number, number], strides, 1, a.pad, a.dimRoundingMode,
    );
    const [, height, width] = a.inputShape;
    const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
    const padTop = kh - 1 - info.padInfo.top;
    const padLeft = kw - 1 - info.padInfo.left;
    const padBottom = height - outHeight + kh - 1 - padTop;
    const padRight = width - outWidth + kw - 1 - padLeft;
    const result = tf.tidy(() => {
      const w = asTensor(backend as unknown as Backend, filter) as tf.Tensor4D;
      const rotated = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
      const pads: tf.backend_util.ExplicitPadding = [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]];
      return tf.conv2d(asTensor(backend as unknown as Backend, dy) as tf.Tensor4D, rotated, 1, pads);
    });
    return asKernelOutput(backend as unknown as Backend, result);
  };
}

/**
 * Tile as a broadcast multiply. Axes are grouped so XNNPACK's 6-dimension broadcast limit holds:
 * runs of untiled axes merge ([d] times [1]), runs of size-1 tiled axes merge ([1] times [r]), and
 * any other tiled axis becomes [1,d] times [r,1].
 */
function makeTileByBroadcast(fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const reps = (attrs as unknown as { reps: number[] }).reps;
    const groups: { dim: number; rep: number }[] = [];
    x.shape.forEach((dim, i) => {
      const rep = reps[i] ?? 1;
      const last = groups[groups.length - 1];
      if (last && rep === 1 && last.rep === 1) last.dim *= dim;
      else if (last && dim === 1 && last.dim === 1) last.rep *= rep;
      else groups.push({ dim, rep });
    });
    const spreadShape = groups.flatMap(({ dim, rep }) => (rep === 1 || dim === 1 ? [dim] : [1, dim]));
    const onesShape = groups.flatMap(({ dim, rep }) => (rep === 1 || dim === 1 ? [rep] : [rep, 1]));
    if ((spreadShape.length > 6 || x.dtype !== 'float32') && fallback) return fallback(args);
    const result = tf.tidy(() => {
      const spread = asTensor(backend as unknown as Backend, x).reshape(spreadShape);
      return tf.mul(spread, tf.ones(onesShape)).reshape(x.shape.map((d, i) => d * (reps[i] ?? 1)));
    });
    return asKernelOutput(backend as unknown as Backend, result);
  };
}

/**
 * A single (unbatched) matrix product as a 1x1 convolution, which XNNPACK runs as a packed GEMM;
 * the stock kernel handles transposed operands with a slow strided loop.
 */
function makeMatMulByConvolution(fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    if ((batchA !== 1 || batchB !== 1 || a.dtype !== 'float32') && fallback) return fallback(args);
    const result = tf.tidy(() => {
      let left = asTensor(backend as unknown as Backend, a).reshape(a.shape.slice(-2)) as tf.Tensor2D;
      let right = asTensor(backend as unknown as Backend, b).reshape(b.shape.slice(-2)) as tf.Tensor2D;
      if (transposeA) left = tf.transpose(left);
      if (transposeB) right = tf.transpose(right);
      const [m, k] = left.shape;
      const n = right.shape[1];
      const product = tf.conv2d(left.reshape([1, 1, m, k]) as tf.Tensor4D, right.reshape([1, 1, k, n]) as tf.Tensor4D, 1, 'valid');
      const outShape = [...(a.shape.length > b.shape.length ? a.shape : b.shape).slice(0, -2), m, n];
      return product.reshape(outShape);
    });
    return asKernelOutput(backend as unknown as Backend, result);
  };
}

let registered = false;

export function registerConvGradientKernels(): void {
  if (registered) return;
  registered = true;
  const replace = (kernelName: string, make: (previous: KernelFunc | undefined) => KernelFunc) => {
    const previous = tf.getKernel(kernelName, 'wasm');
    if (previous) tf.unregisterKernel(kernelName, 'wasm');
    // Keep the stock setup function: the fallback paths call into wasm functions it binds.
    const config: KernelConfig = {
      kernelName,
      backendName: 'wasm',
      kernelFunc: make(previous?.kernelFunc),
      ...(previous?.setupFunc ? { setupFunc: previous.setupFunc } : {}),
    };
    tf.registerKernel(config);
  };
  replace('Conv2DBackpropFilter', () => backpropFilter);
  replace('Conv2DBackpropInput', makeBackpropInput);
  replace('Tile', makeTileByBroadcast);
  replace('BatchMatMul', makeMatMulByConvolution);
}
