/**
 * One K (trainable head layers) of the same trained CNN, exported in memory and run the way the
 * SDK runs it in Node: the SDK's runtime selector, its HeadRunner over head.onnx and
 * train-step.onnx, and model.onnx for the frozen backbone's features.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Manifest } from '../../sdk/src/artifacts/manifest.ts';
import type { InferenceSession, Runtime } from '../../sdk/src/engine/ort-types.ts';
import { selectNodeRuntime } from '../../sdk/src/engine/runtime.node.ts';
import type { HeadParameters } from '../../sdk/src/personalize/head-parameters.ts';
import { HeadRunner } from '../../sdk/src/personalize/head-runner.ts';
import { IMAGE_SIZE, PIXELS } from '../data/mnist.ts';
import { buildOnnxArtifacts } from '../export/build-onnx-artifacts.ts';
import { TRAIN_STEP_NAMES } from '../../sdk/src/artifacts/manifest.ts';
import { RecordingRunner } from './recording-runner.ts';

export interface HeadVariant {
  readonly headLayers: number;
  readonly featureSize: number;
  readonly runner: HeadRunner;
  /** A runner over the same sessions that snapshots the head at chosen steps (for tuning). */
  readonly recorder: RecordingRunner;
  /** The exported (pretrained) head: where every personalize call starts and what L2-SP pulls toward. */
  readonly pretrained: HeadParameters;
  /** model.onnx's `features` output for `count` images. */
  features(pixels: Float32Array, count: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/** Rows per model.onnx run: large enough to amortise the call, small enough to stay cache-friendly. */
const FEATURE_BATCH = 500;

export async function createHeadVariant(model: tf.LayersModel, headLayers: number, threads = 1): Promise<HeadVariant> {
  const artifacts = buildOnnxArtifacts(model, headLayers);
  const runtime: Runtime = await selectNodeRuntime('cpu', threads);
  const { ort, sessionOptions } = runtime;
  const [backbone, head, trainStep] = await Promise.all(
    [artifacts.modelOnnx, artifacts.headOnnx, artifacts.trainStepOnnx].map((bytes) => ort.InferenceSession.create(bytes, sessionOptions)),
  ) as [InferenceSession, InferenceSession, InferenceSession];

  // HeadRunner reads only the head description and feature size of a manifest; these are the
  // values exportCheckpoint would publish for this K.
  const headManifest: Pick<Manifest, 'featureSize' | 'head'> = {
    featureSize: artifacts.featureSize,
    head: {
      layers: headLayers,
      parameters: artifacts.headParameters.map((p) => ({ name: p.name, shape: [...p.shape] })),
      outputs: { probs: 'probs', logits: 'logits' },
      trainStep: { inputs: { ...TRAIN_STEP_NAMES.inputs }, outputs: { ...TRAIN_STEP_NAMES.outputs } },
    },
  };
  const runner = new HeadRunner(ort, headManifest as Manifest, head, async () => trainStep);
  const recorder = new RecordingRunner(ort, headManifest as Manifest, head, async () => trainStep);
  const pretrained: HeadParameters = new Map(artifacts.headParameters.map((p) => [p.name, p.data.slice()]));

  return {
    headLayers,
    featureSize: artifacts.featureSize,
    runner,
    recorder,
    pretrained,
    async features(pixels, count) {
      const out = new Float32Array(count * artifacts.featureSize);
      for (let start = 0; start < count; start += FEATURE_BATCH) {
        const n = Math.min(FEATURE_BATCH, count - start);
        const image = new ort.Tensor('float32', pixels.subarray(start * PIXELS, (start + n) * PIXELS), [n, 1, IMAGE_SIZE, IMAGE_SIZE]);
        const result = await backbone.run({ image }, ['features']);
        out.set(result.features!.data as Float32Array, start * artifacts.featureSize);
      }
      return out;
    },
    async release() {
      await Promise.all([backbone.release(), head.release(), trainStep.release()]);
    },
  };
}
