import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerConvGradientKernels } from './conv-gradient-kernels.ts';

let ready: Promise<void> | undefined;

/**
 * Switches TensorFlow.js to its WASM backend (XNNPACK, single-threaded in Node) and adds the
 * training kernels it lacks or runs slowly. `@tensorflow/tfjs-node` needs a native download,
 * and the pure-JS cpu backend is tens of times slower on convolutions.
 */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    registerConvGradientKernels();
    if (!(await tf.setBackend('wasm'))) {
      throw new Error('the TensorFlow.js WASM backend failed to initialise; reinstall with `npm ci`');
    }
    await tf.ready();
  })();
  return ready;
}
