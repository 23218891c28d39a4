/**
 * Writes a complete checkpoint (model.onnx, head.onnx, train-step.onnx, head.safetensors,
 * manifest.json) for a tfjs LayersModel, following the "Model artifacts" contract.
 */
import type * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { parseManifest, TRAIN_STEP_NAMES, type FileDigest, type Manifest, type RetrainProvenance, type TestAccuracy } from '../../sdk/src/artifacts/manifest.ts';
import { encodeSafetensors } from '../../sdk/src/artifacts/safetensors.ts';
import { buildOnnxArtifacts, type OnnxArtifacts } from './build-onnx-artifacts.ts';
import { MODEL_INPUT } from './model-graph.ts';
import { replaceDirectory } from './replace-directory.ts';

export { buildOnnxArtifacts, type OnnxArtifacts } from './build-onnx-artifacts.ts';
export type { Manifest, TestAccuracy } from '../../sdk/src/artifacts/manifest.ts';

export interface ExportCheckpointOptions {
  name: string;
  version: string;
  /** Number of trailing Dense layers that form the trainable head (K). */
  headLayers: number;
  outDir: string;
  /** Recorded as the manifest's `training` field. */
  training: Record<string, unknown>;
  /** Measures test accuracy of the exported model.onnx, e.g. on MNIST test with onnxruntime-node. */
  measureAccuracy: (modelOnnx: Uint8Array) => Promise<TestAccuracy>;
  /** Defaults to now; fixed in tests for reproducible manifests. */
  createdAt?: string;
  /**
   * Files beside the checkpoint that are not part of it (e.g. `training/model.json`), written in
   * the same atomic swap; a subdirectory named here replaces the old one.
   */
  extraFiles?: ReadonlyMap<string, Uint8Array | string>;
  /** A retrain's record; called after measureAccuracy, so it may carry figures measured on the exported model. */
  provenance?: () => RetrainProvenance;
}

export const INPUT_PREPROCESSING =
  'grayscale 28x28, row-major, white digit on black background (MNIST style); ' +
  'pixel values divided by 255 into [0,1]; no mean/std normalisation';

export async function exportCheckpoint(model: tf.LayersModel, options: ExportCheckpointOptions): Promise<Manifest> {
  const artifacts = buildOnnxArtifacts(model, options.headLayers);
  const headSafetensors = encodeSafetensors(
    artifacts.headParameters.map((p) => [p.name, { shape: p.shape, data: p.data }] as const),
    { name: options.name, version: options.version, headLayers: String(options.headLayers) },
  );
  const checkpointFiles = new Map<string, Uint8Array>([
    ['model.onnx', artifacts.modelOnnx],
    ['head.onnx', artifacts.headOnnx],
    ['train-step.onnx', artifacts.trainStepOnnx],
    ['head.safetensors', headSafetensors],
  ]);

  const testAccuracy = await options.measureAccuracy(artifacts.modelOnnx);
  const described = describeCheckpoint(artifacts, options, testAccuracy, digests(checkpointFiles));
  const manifest = parseManifest(options.provenance ? { ...described, provenance: options.provenance() } : described);
  const files = new Map<string, Uint8Array | string>([
    ...checkpointFiles,
    ['manifest.json', `${JSON.stringify(manifest, null, 2)}\n`],
    ...(options.extraFiles ?? []),
  ]);
  await replaceDirectory(options.outDir, { files, preserveSubdirectories: true });
  return manifest;
}

function describeCheckpoint(
  artifacts: OnnxArtifacts,
  options: ExportCheckpointOptions,
  testAccuracy: TestAccuracy,
  files: Record<string, FileDigest>,
): Manifest {
  const [height, width, channels] = artifacts.inputShape as [number, number, number];
  const { value, correct, total, dataset, runtime, file } = testAccuracy;
  return {
    manifestVersion: 1,
    name: options.name,
    version: options.version,
    createdAt: options.createdAt ?? new Date().toISOString(),
    labels: Array.from({ length: artifacts.classCount }, (_, i) => String(i)),
    input: {
      name: MODEL_INPUT,
      shape: [null, channels, height, width],
      dtype: 'float32',
      layout: 'NCHW',
      range: [0, 1],
      polarity: 'white-on-black',
      preprocessing: INPUT_PREPROCESSING,
    },
    outputs: {
      probs: { name: 'probs', shape: [null, artifacts.classCount] },
      features: { name: 'features', shape: [null, artifacts.featureSize] },
    },
    featureSize: artifacts.featureSize,
    head: {
      layers: artifacts.headLayers,
      parameters: artifacts.headParameters.map((p) => ({ name: p.name, shape: [...p.shape] })),
      outputs: { probs: 'probs', logits: 'logits' },
      trainStep: { inputs: { ...TRAIN_STEP_NAMES.inputs }, outputs: { ...TRAIN_STEP_NAMES.outputs } },
    },
    testAccuracy: { value, correct, total, dataset, runtime, file },
    training: options.training,
    flops: artifacts.flops,
    files: files as Manifest['files'],
  };
}

function digests(files: ReadonlyMap<string, Uint8Array>): Record<string, FileDigest> {
  const result: Record<string, FileDigest> = {};
  for (const [name, bytes] of files) {
    result[name] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
  }
  return result;
}
