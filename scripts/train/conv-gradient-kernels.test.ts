import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from '../../test/support/tfjs-cpu-backend.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from './wasm-backend.ts';

/** Runs `fn` on a backend with fresh tensors built from plain arrays, returning plain arrays. */
async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  if (backend === 'wasm') await useWasmBackend();
  else await tf.setBackend(backend);
  const outputs = tf.tidy(fn);
  const values = outputs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outputs);
  return values;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

const random = (shape: number[], seed: number) => {
  const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
  return Array.from(t.dataSync());
};

describe('wasm convolution gradient kernels', () => {
  beforeAll(useWasmBackend);
  afterAll(() => tf.setBackend('cpu'));

  const cases = [
    { pad: 'same' as const, x: [3, 11, 11, 2], w: [5, 5, 2, 4] },
    { pad: 'valid' as const, x: [2, 12, 12, 3], w: [5, 5, 3, 6] },
    { pad: 'same' as const, x: [2, 9, 9, 4], w: [3, 3, 4, 8] },
    { pad: 'valid' as const, x: [1, 10, 8, 1], w: [4, 2, 1, 3] },
  ];

  it.each(cases)('match the cpu backend for $pad padding, x $x, filter $w', async ({ pad, x, w }) => {
    await useTfjsCpuBackend();
    const xs = random(x, 1);
    const ws = random(w, 2);
    const dyScale = random([...x.slice(0, 3), w[3]!], 3);
    const compute = () => {
      const xt = tf.tensor4d(xs, x as [number, number, number, number]);
      const wt = tf.tensor4d(ws, w as [number, number, number, number]);
      const loss = (xv: tf.Tensor, wv: tf.Tensor) => {
        const y = tf.conv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, 1, pad);
        const scale = tf.tensor(dyScale.slice(0, y.size), y.shape);
        return tf.sum(tf.mul(y, scale));
      };
      const [gx, gw] = tf.grads(loss)([xt, wt]);
      return [gx!, gw!];
    };
    const [wasmDx, wasmDw] = await on('wasm', compute);
    const [cpuDx, cpuDw] = await on('cpu', compute);
    expect(maxAbsDiff(wasmDx!, cpuDx!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(wasmDw!, cpuDw!)).toBeLessThan(1e-3);
  });

  it('tile matches the cpu backend', async () => {
    const values = random([2, 3, 4], 4);
    const compute = () => [tf.tile(tf.tensor3d(values, [2, 3, 4]), [3, 1, 2])];
    const [wasm] = await on('wasm', compute);
    const [cpu] = await on('cpu', compute);
    expect(maxAbsDiff(wasm!, cpu!)).toBe(0);
  });
});
