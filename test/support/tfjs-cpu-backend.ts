import * as tf from '@tensorflow/tfjs';

/*
 * TF.js's cpu backend, which tests use for reference values. Production mode is TF.js's public
 * switch for its console notices (in 4.22 the flag gates only its log and warn calls); it keeps
 * the "running TensorFlow.js in Node.js" banner, whose advice (tfjs-node) cannot be followed
 * here, out of the test output. Set on import: some tests build models while vitest collects
 * them, before any hook runs.
 */
tf.enableProdMode();

export async function useTfjsCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
}
