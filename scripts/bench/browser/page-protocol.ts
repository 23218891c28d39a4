import type { SamplesByContender } from '../interleave.ts';

/*
 * What the Node driver asks of the bench page and what it answers: plain data, since it crosses
 * page.evaluate as JSON.
 */

/** Where the page finds its API once its module has loaded. */
export const PAGE_GLOBAL = 'edgetuneBench';
/** The page, relative to the repository root the bench server serves. */
export const PAGE_PATH = '/scripts/bench/browser/index.html';

/** Where the production-built cold-start app puts its start function. */
export const COLD_START_GLOBAL = 'edgetuneColdStart';
/** Where the same app puts the cold start of a bare ONNX Runtime Web worker, the yardstick. */
export const BARE_COLD_START_GLOBAL = 'bareOrtColdStart';

export const SDK_CONTENDER = 'sdk-worker';
export const DIRECT_CONTENDER = 'ort-main-thread';
/** ONNX Runtime in a worker without the SDK around it, for scale. */
export const BARE_WORKER_CONTENDER = 'ort-bare-worker';
/** A bare postMessage round trip to an idle worker, for scale. */
export const ECHO_CONTENDER = 'worker-echo';

export interface ColdStartRequest {
  readonly manifestUrl: string;
  readonly threads: number;
  /** One MNIST image, 784 bytes 0-255. */
  readonly image: readonly number[];
  /** Call preloadRuntime() with the same options first (untimed), as an app would at start-up. */
  readonly preload?: boolean;
}

/** One onProgress event of the load, as plain data. */
export interface ProgressRecord {
  readonly phase: string;
  readonly file?: string;
  readonly fileTotal: number;
  readonly fromCache: boolean;
  readonly loaded: number;
  readonly total: number;
  /** When it arrived, in ms from the loadClassifier() call. */
  readonly at: number;
}

export interface StartTiming {
  /** From the loadClassifier() call to the first classify() result. */
  readonly ms: number;
  /** 'network' on a cold start, 'cache' when the Cache API served every file. */
  readonly loadedFrom: string;
  /** The manifest was unreachable and the cached copy was loaded. */
  readonly offline: boolean;
  readonly runtime: string;
  readonly topClass: number;
  /** What preloadRuntime() reported, when the request asked for it. */
  readonly preloaded?: { readonly runtime: string; readonly progress: readonly ProgressRecord[] };
  readonly progress: readonly ProgressRecord[];
  /** When loadClassifier() resolved, in ms from its call. */
  readonly loadedMs: number;
}

/** What the bare ORT worker of the cold-start app is asked to do. */
export interface BareColdStartSetup {
  readonly modelUrl: string;
  readonly inputName: string;
  readonly probsName: string;
  readonly threads: number;
  readonly image: readonly number[];
}

export interface BareStartTiming {
  /** From creating the worker to its first result. */
  readonly ms: number;
  /** When each step of the bare worker ended, in ms from creating it. */
  readonly phases: BarePhases;
  readonly topClass: number;
}

export interface BarePhases {
  readonly ortImported: number;
  readonly modelFetched: number;
  readonly wasmInstantiated: number;
  readonly sessionCreated: number;
}

/** What the page answers when loading failed: the error's code and message. */
export interface StartFailure {
  readonly error: { readonly code: string | undefined; readonly message: string };
}

export interface LatencyRequest {
  readonly manifestUrl: string;
  readonly modelUrl: string;
  readonly inputName: string;
  readonly probsName: string;
  readonly threads: number;
  readonly image: readonly number[];
  readonly rounds: number;
  readonly warmupRounds: number;
  readonly callsPerTurn: number;
  /** Untimed calls opening each turn (see InterleaveOptions). */
  readonly turnWarmupCalls: number;
}

export interface LatencyReply {
  readonly samples: SamplesByContender;
  /** session.run alone, timed inside the bare worker (absent for WebGPU). */
  readonly bareWorkerRunMs?: readonly number[];
  readonly runtimes: Record<string, string>;
  readonly topClasses: Record<string, number>;
  readonly crossOriginIsolated: boolean;
}

export interface PersonalizeTimingRequest {
  readonly manifestUrl: string;
  readonly threads: number;
  /** `labels.length` MNIST images, 784 bytes 0-255 each. */
  readonly images: readonly number[];
  readonly labels: readonly number[];
  readonly steps: number;
  readonly batchSize: number;
  readonly rounds: number;
}

export interface PersonalizeTimingReply {
  /** report.trainingMilliseconds: the SGD steps alone, timed in the worker. */
  readonly stepsMs: number[];
  /** The whole personalize() call as the page sees it. */
  readonly callMs: number[];
  readonly runtime: string;
}

export interface BenchPageApi {
  /** Personalization (issue 4's shape) through the SDK's worker on WASM. */
  personalizeTiming(request: PersonalizeTimingRequest): Promise<PersonalizeTimingReply>;
  wasmLatency(request: LatencyRequest): Promise<LatencyReply>;
  /** Undefined when the browser offers no WebGPU adapter. */
  webgpuLatency(request: LatencyRequest): Promise<LatencyReply | undefined>;
}

export type BenchPageWindow = { readonly [PAGE_GLOBAL]: BenchPageApi };
/** loadClassifier() to the first classify() result, in the production-built app. */
export type BareColdStartWindow = { readonly [BARE_COLD_START_GLOBAL]: (setup: BareColdStartSetup) => Promise<BareStartTiming> };
export type ColdStartWindow = { readonly [COLD_START_GLOBAL]: (request: ColdStartRequest) => Promise<StartTiming | StartFailure> };
