import { TRAIN_STEP_NAMES, type FileDigest, type Manifest } from './manifest.ts';

/** A valid manifest for tests; the fields that vary between tests are parameters. */
export function sampleManifest(options: {
  name?: string;
  version?: string;
  featureSize?: number;
  files?: Record<string, FileDigest>;
} = {}): Manifest {
  const featureSize = options.featureSize ?? 64;
  const digest = { sha256: 'a'.repeat(64), bytes: 1234 };
  return {
    manifestVersion: 1,
    name: options.name ?? 'mnist-cnn',
    version: options.version ?? '1.2.0',
    createdAt: '2025-01-02T03:04:05.678Z',
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    input: {
      name: 'image',
      shape: [null, 1, 28, 28],
      dtype: 'float32',
      layout: 'NCHW',
      range: [0, 1],
      polarity: 'white-on-black',
      preprocessing: 'pixel / 255',
    },
    outputs: { probs: { name: 'probs', shape: [null, 10] }, features: { name: 'features', shape: [null, featureSize] } },
    featureSize,
    head: {
      layers: 1,
      parameters: [
        { name: 'head.0.weight', shape: [featureSize, 10] },
        { name: 'head.0.bias', shape: [10] },
      ],
      outputs: { probs: 'probs', logits: 'logits' },
      trainStep: { inputs: { ...TRAIN_STEP_NAMES.inputs }, outputs: { ...TRAIN_STEP_NAMES.outputs } },
    },
    testAccuracy: { value: 0.99, correct: 9900, total: 10000, dataset: 'mnist-test-10k', runtime: 'onnxruntime-node 1.30.0', file: 'model.onnx' },
    training: { epochs: 12, seed: 1 },
    flops: 123456,
    files: (options.files ?? { 'model.onnx': digest, 'head.onnx': digest, 'train-step.onnx': digest, 'head.safetensors': digest }) as Manifest['files'],
  };
}
