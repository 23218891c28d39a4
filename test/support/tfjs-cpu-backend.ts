import * as tf from '@tensorflow/tfjs';

/**
 * TF.js's cpu backend, which tests use for reference values. Production mode is TF.js's public
 * switch for its console notices (in 4.22 the flag gates only its log and warn calls); it keeps
 * the "running TensorFlow.js in Node.js" banner, whose advice (tfjs-node) cannot be followed
 * here, out of the test output.
 */
export async function useTfjsCpuBackend(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
}
