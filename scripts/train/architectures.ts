import * as tf from '@tensorflow/tfjs';

/** The networks edgetune ships. Both take NHWC [N,28,28,1] in tfjs; the exporter makes them NCHW. */
export const ARCHITECTURES = {
  mlp: {
    checkpoint: 'mnist-mlp',
    description: 'MLP 784-512-256-10, ReLU, dropout 0.2/0.2',
    build: buildMlp,
    defaults: { epochs: 30, batchSize: 128, learningRate: 1e-3, finalLearningRate: 2e-5, augment: true },
  },
  cnn: {
    checkpoint: 'mnist-cnn',
    description: 'LeNet-style CNN: 2x [conv5x5 valid (20, 40) -> BatchNorm -> ReLU -> maxpool2], dense 128 -> 10, dropout 0.25/0.4',
    build: buildCnn,
    defaults: { epochs: 16, batchSize: 128, learningRate: 1.5e-3, finalLearningRate: 2e-5, augment: true },
  },
} as const;

export type ArchitectureName = keyof typeof ARCHITECTURES;

export function isArchitectureName(value: string): value is ArchitectureName {
  return Object.hasOwn(ARCHITECTURES, value);
}

function buildMlp(): tf.Sequential {
  const model = tf.sequential({ name: 'mnist_mlp' });
  model.add(tf.layers.flatten({ inputShape: [28, 28, 1], name: 'flatten' }));
  model.add(tf.layers.dense({ units: 512, activation: 'relu', kernelInitializer: 'heNormal', name: 'hidden1' }));
  model.add(tf.layers.dropout({ rate: 0.2, name: 'dropout1' }));
  model.add(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: 'heNormal', name: 'hidden2' }));
  model.add(tf.layers.dropout({ rate: 0.2, name: 'dropout2' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'classifier' }));
  return model;
}

function convBlock(model: tf.Sequential, filters: number, index: number, first: boolean) {
  model.add(
    tf.layers.conv2d({
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 5,
      padding: 'valid',
      useBias: false, // BatchNorm's beta takes the bias role
      kernelInitializer: 'heNormal',
      name: `conv${index}`,
    }),
  );
  model.add(tf.layers.batchNormalization({ name: `bn${index}` }));
  model.add(tf.layers.activation({ activation: 'relu', name: `relu${index}` }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${index}` }));
}

function buildCnn(): tf.Sequential {
  const model = tf.sequential({ name: 'mnist_cnn' });
  convBlock(model, 20, 1, true);
  convBlock(model, 40, 2, false);
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dropout({ rate: 0.25, name: 'dropout1' }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal', name: 'hidden' }));
  model.add(tf.layers.dropout({ rate: 0.4, name: 'dropout2' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'classifier' }));
  return model;
}
