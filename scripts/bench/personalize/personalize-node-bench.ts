import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeSafetensors } from '../../../sdk/src/artifacts/safetensors.ts';
import { createRandom, shuffleInPlace } from '../../../sdk/src/personalize/seeded-random.ts';
import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import type { BenchImages } from '../bench-images.ts';
import { runInterleaved } from '../interleave.ts';
import { summarize, type SampleSummary } from '../sample-stats.ts';
import { createTfjsHeadTrainer } from './tfjs-head-trainer.ts';

/** Issue 4's benchmark shape: 20 SGD steps on mini-batches of 32 drawn from 64 labelled samples. */
export const STEPS = 20;
export const BATCH = 32;
export const SAMPLES = 64;
const HYPER = { learningRate: 0.003, momentum: 0.9, l2Sp: 0.1 };

export interface PersonalizeNodeResults {
  readonly steps: number;
  readonly batchSize: number;
  /** The SGD steps alone, timed inside the worker (report.trainingMilliseconds). */
  readonly sdkSteps: SampleSummary;
  /** The whole personalize() call as the caller sees it: transfer, features (cached), accuracy before/after, steps. */
  readonly sdkCall: SampleSummary;
  readonly tfjs: SampleSummary;
  readonly tfjsRuntime: string;
  readonly runsPerStep: number;
  /** tfjs time / SDK steps time. */
  readonly speedup: number;
}

type SdkModule = typeof import('edgetune');

export async function runPersonalizeNodeBench(
  checkpoint: BenchCheckpoint,
  images: BenchImages,
  options: { rounds: number; log: (line: string) => void },
): Promise<PersonalizeNodeResults> {
  const sdk = (await import(join(process.cwd(), 'dist/node/index.js'))) as SdkModule;
  const labels = Int32Array.from(images.labels.subarray(0, SAMPLES));
  const samples = images.images.slice(0, SAMPLES).map((input, i) => ({ input, label: labels[i]! }));
  const clf = await sdk.loadClassifier(checkpoint.directory, { threads: 1 });

  // The TF.js contender trains on the very features and batches the SDK uses.
  const manifest = clf.manifest;
  const session = await ort.InferenceSession.create(join(checkpoint.directory, 'model.onnx'), { intraOpNumThreads: 1 });
  const stacked = images.pixels.subarray(0, SAMPLES * 784);
  const features = (await session.run({ image: new ort.Tensor('float32', stacked, [SAMPLES, 1, 28, 28]) })).features!.data as Float32Array;
  await session.release();
  const head = decodeSafetensors(await readFile(join(checkpoint.directory, 'head.safetensors'))).tensors;
  if (manifest.head.layers !== 1) throw new RangeError('the personalization bench expects the shipped one-layer head');
  const random = createRandom(0);
  const order = Uint32Array.from({ length: SAMPLES }, (_, i) => i);
  const batches: Int32Array[] = [];
  for (let s = 0; s < STEPS; s++) {
    if ((s * BATCH) % SAMPLES === 0) shuffleInPlace(order, random);
    const start = (s * BATCH) % SAMPLES;
    batches.push(Int32Array.from(order.subarray(start, start + BATCH)));
  }
  const tfjs = await createTfjsHeadTrainer({
    features,
    labels,
    featureSize: manifest.featureSize,
    weight: head.get('head.0.weight')!.data,
    bias: head.get('head.0.bias')!.data,
    classes: manifest.labels.length,
    batches,
    ...HYPER,
  });

  const stepTimes: number[] = [];
  let runsPerStep = Number.NaN;
  options.log(`personalize (node): ${STEPS} steps x batch ${BATCH}, SDK vs ${tfjs.runtime}, ${options.rounds} rounds`);
  const samplesByContender = await runInterleaved(
    [
      {
        name: 'sdk',
        run: async () => {
          await clf.resetHead();
          const report = await clf.personalize(samples, { steps: STEPS, batchSize: BATCH, ...HYPER });
          stepTimes.push(report.trainingMilliseconds);
          runsPerStep = report.runsPerStep;
        },
      },
      { name: 'tfjs', run: () => tfjs.train() },
    ],
    { rounds: options.rounds, warmupRounds: 3, callsPerTurn: 1 },
  );
  await clf.dispose();
  // The first warm-up turns are dropped from stepTimes too.
  const measuredSteps = stepTimes.slice(-samplesByContender.sdk!.length);
  const sdkSteps = summarize(measuredSteps);
  const tfjsSummary = summarize(samplesByContender.tfjs!);
  return {
    steps: STEPS,
    batchSize: BATCH,
    sdkSteps,
    sdkCall: summarize(samplesByContender.sdk!),
    tfjs: tfjsSummary,
    tfjsRuntime: tfjs.runtime,
    runsPerStep,
    speedup: tfjsSummary.median / sdkSteps.median,
  };
}
