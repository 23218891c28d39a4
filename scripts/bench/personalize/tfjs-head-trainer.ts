import * as tf from '@tensorflow/tfjs';
import { useWasmBackend } from '../../train/wasm-backend.ts';

export interface HeadTrainingProblem {
  /** Backbone features of the samples, `count` rows of `featureSize`. */
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly featureSize: number;
  /** The pretrained one-layer head: weight [featureSize, classes], bias [classes]. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly classes: number;
  /** Sample indices of each step's mini-batch. */
  readonly batches: readonly Int32Array[];
  readonly learningRate: number;
  readonly momentum: number;
  readonly l2Sp: number;
}

/**
 * The contender: the same head, loss (softmax cross-entropy + L2-SP) and momentum SGD, trained
 * by TensorFlow.js autodiff on its WASM backend. Returns a function running all steps once.
 */
export async function createTfjsHeadTrainer(problem: HeadTrainingProblem): Promise<{ train: () => Promise<number>; runtime: string }> {
  await useWasmBackend();
  const { featureSize, classes } = problem;
  const anchorW = tf.tensor2d(problem.weight, [featureSize, classes]);
  const anchorB = tf.tensor1d(problem.bias);
  const batches = problem.batches.map((indices) => ({
    x: tf.tidy(() => tf.gather(tf.tensor2d(problem.features, [problem.labels.length, featureSize]), tf.tensor1d(indices, 'int32'))),
    y: tf.tidy(() => tf.oneHot(tf.gather(tf.tensor1d(problem.labels, 'int32'), tf.tensor1d(indices, 'int32')), classes)),
  }));
  const train = async (): Promise<number> => {
    const w = tf.variable(anchorW.clone());
    const b = tf.variable(anchorB.clone());
    const optimizer = tf.train.momentum(problem.learningRate, problem.momentum);
    let last = 0;
    for (const batch of batches) {
      const loss = optimizer.minimize(() => {
        const logits = tf.add(tf.matMul(batch.x, w), b);
        const ce = tf.losses.softmaxCrossEntropy(batch.y, logits);
        const pull = tf.add(tf.sum(tf.square(tf.sub(w, anchorW))), tf.sum(tf.square(tf.sub(b, anchorB))));
        return tf.add(ce, tf.mul(pull, 0.5 * problem.l2Sp)) as tf.Scalar;
      }, true)!;
      // Reading the loss each step, as the SDK does, keeps the comparison honest.
      last = (await loss.data())[0]!;
      loss.dispose();
    }
    optimizer.dispose();
    w.dispose();
    b.dispose();
    return last;
  };
  return { train, runtime: `TensorFlow.js ${tf.version.tfjs} (${tf.getBackend()}, 1 thread in Node)` };
}
