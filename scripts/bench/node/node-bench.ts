import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import type { BenchImages } from '../bench-images.ts';
import type { CpuPeak } from '../cpu-peak.ts';
import { runInterleaved, type Contender } from '../interleave.ts';
import { summarize, type SampleSummary } from '../sample-stats.ts';
import type { NodeRunner } from './node-runner.ts';
import { createOrtNodeRunner } from './ort-node-runner.ts';
import { createSdkNodeRunner } from './sdk-node-runner.ts';
import { createTfjsWasmRunner } from './tfjs-wasm-runner.ts';
import { CPU_RUN_CHUNK } from '../../../sdk/src/engine/ort-types.ts';

export const THREAD_COUNTS = [1, 2] as const;
/** Single-image latency is measured at one thread: a 28x28 image leaves nothing to split. */
const LATENCY_THREADS = 1;
const LATENCY_CALLS_PER_TURN = 25;
const WARMUP_ROUNDS = 2;
const BATCH_CALLS_PER_TURN = 2;
/** Long enough for ONNX Runtime's spinning pool threads to go to sleep (20 ms was not). */
const SETTLE_MS = 100;

export interface ThroughputRow {
  readonly contender: string;
  readonly runtime: string;
  /** ONNX Runtime intra-op threads; TensorFlow.js WASM always runs one. */
  readonly threads: number;
  readonly imagesPerSecond: SampleSummary;
  /** At the median: images/s x flops per image. */
  readonly gflopsPerSecond: number;
  /** Of `threads` cores' theoretical peak. */
  readonly peakFraction: number;
}

export interface NodeBenchResults {
  readonly batchSize: number;
  readonly rounds: number;
  readonly flopsPerImage: number;
  readonly throughput: readonly ThroughputRow[];
  readonly latency: { readonly threads: number; readonly sdkMs: SampleSummary; readonly directMs: SampleSummary };
  /** Share of the batch where two runners agree on the most likely class (1 = same network). */
  readonly agreement: { readonly sdkVsDirect: number; readonly sdkVsTfjs: number };
  /** SDK top-1 accuracy on the bench batch (a sanity check, not the model's test accuracy). */
  readonly batchAccuracy: number;
}

interface NamedRunner {
  readonly contender: string;
  readonly threads: number;
  readonly runner: NodeRunner;
}

export const sdkName = (threads: number) => `sdk ${threads}t`;
export const directName = (threads: number) => `ort-direct ${threads}t`;
export const directChunkedName = (threads: number) => `ort-direct ${threads}t /${CPU_RUN_CHUNK}`;
export const TFJS_NAME = 'tfjs-wasm';

function agreement(a: readonly number[], b: readonly number[]): number {
  return a.filter((value, i) => value === b[i]).length / a.length;
}

async function startRunners(checkpoint: BenchCheckpoint, images: BenchImages, started: NamedRunner[]): Promise<void> {
  // One at a time: loading is not what is measured, and parallel loads would fight for two cores.
  for (const threads of THREAD_COUNTS) {
    started.push({ contender: sdkName(threads), threads, runner: await createSdkNodeRunner(checkpoint, images, threads) });
    started.push({ contender: directName(threads), threads, runner: await createOrtNodeRunner(checkpoint, images, threads) });
    started.push({
      contender: directChunkedName(threads),
      threads,
      runner: await createOrtNodeRunner(checkpoint, images, threads, CPU_RUN_CHUNK),
    });
  }
  started.push({ contender: TFJS_NAME, threads: 1, runner: await createTfjsWasmRunner(checkpoint, images) });
}

function find(runners: readonly NamedRunner[], contender: string): NodeRunner {
  const found = runners.find((named) => named.contender === contender);
  if (!found) throw new Error(`no runner named ${contender}`);
  return found.runner;
}

export async function runNodeBench(
  checkpoint: BenchCheckpoint,
  images: BenchImages,
  options: { readonly rounds: number; readonly cpuPeak: CpuPeak; readonly log: (line: string) => void },
): Promise<NodeBenchResults> {
  const runners: NamedRunner[] = [];
  try {
    options.log('node: loading the SDK (dist/node), onnxruntime-node and TensorFlow.js WASM');
    await startRunners(checkpoint, images, runners);

    const sdkClasses = await find(runners, sdkName(1)).topClasses();
    const directClasses = await find(runners, directName(1)).topClasses();
    const tfjsClasses = await find(runners, TFJS_NAME).topClasses();

    options.log(`node: classifyBatch(${images.count}) throughput, ${options.rounds} interleaved rounds x ${BATCH_CALLS_PER_TURN} calls`);
    const batchContenders: Contender[] = runners.map(({ contender, runner }) => ({ name: contender, run: () => runner.classifyBatch() }));
    const batchSamples = await runInterleaved(batchContenders, {
      rounds: options.rounds,
      warmupRounds: WARMUP_ROUNDS,
      callsPerTurn: BATCH_CALLS_PER_TURN,
      turnWarmupCalls: 1,
      settleMs: SETTLE_MS,
    });
    const throughput = runners.map(({ contender, threads, runner }): ThroughputRow => {
      const imagesPerSecond = summarize(batchSamples[contender]!.map((ms) => (images.count * 1000) / ms));
      const gflopsPerSecond = (imagesPerSecond.median * checkpoint.flops) / 1e9;
      return {
        contender,
        runtime: runner.runtime,
        threads,
        imagesPerSecond,
        gflopsPerSecond,
        peakFraction: gflopsPerSecond / (options.cpuPeak.gflopsPerCore * threads),
      };
    });

    options.log(`node: single-image latency, ${options.rounds} x ${LATENCY_CALLS_PER_TURN} calls each`);
    const latencyContenders: Contender[] = [sdkName(LATENCY_THREADS), directName(LATENCY_THREADS)].map((name) => ({
      name,
      run: () => find(runners, name).classifyOne(),
    }));
    const latencySamples = await runInterleaved(latencyContenders, {
      rounds: options.rounds,
      warmupRounds: WARMUP_ROUNDS,
      callsPerTurn: LATENCY_CALLS_PER_TURN,
      turnWarmupCalls: 1,
      settleMs: SETTLE_MS,
    });

    return {
      batchSize: images.count,
      rounds: options.rounds,
      flopsPerImage: checkpoint.flops,
      throughput,
      latency: {
        threads: LATENCY_THREADS,
        sdkMs: summarize(latencySamples[sdkName(LATENCY_THREADS)]!),
        directMs: summarize(latencySamples[directName(LATENCY_THREADS)]!),
      },
      agreement: { sdkVsDirect: agreement(sdkClasses, directClasses), sdkVsTfjs: agreement(sdkClasses, tfjsClasses) },
      batchAccuracy: agreement(sdkClasses, Array.from(images.labels)),
    };
  } finally {
    await Promise.allSettled(runners.map(({ runner }) => runner.dispose()));
  }
}
