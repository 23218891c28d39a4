import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../../../test/support/headless-chromium.ts';
import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import { summarize, type SampleSummary } from '../sample-stats.ts';
import { startBenchServer } from './bench-server.ts';
import { startColdStartServer } from './cold-start-server.ts';
import {
  BARE_COLD_START_GLOBAL,
  BARE_WORKER_CONTENDER,
  DIRECT_CONTENDER,
  ECHO_CONTENDER,
  COLD_START_GLOBAL,
  PAGE_GLOBAL,
  PAGE_PATH,
  SDK_CONTENDER,
  type BareColdStartSetup,
  type BareColdStartWindow,
  type BareStartTiming,
  type BenchPageWindow,
  type ColdStartWindow,
  type ColdStartRequest,
  type LatencyReply,
  type LatencyRequest,
  type StartFailure,
  type StartTiming,
  type PersonalizeTimingReply,
  type PersonalizeTimingRequest,
} from './page-protocol.ts';

/** The SDK's default on this 2-core box (cores / 2), and ORT Web's own default. */
const BROWSER_THREADS = 1;
const WARMUP_ROUNDS = 2;
const WASM_CALLS_PER_TURN = 25;
const WEBGPU_CALLS_PER_TURN = 5;
/** No single page step should take this long; a hang fails the bench instead of stalling it. */
const STEP_TIMEOUT_MS = 180_000;

export interface BrowserBenchResults {
  readonly chromium: string;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  readonly latency: {
    readonly sdkMs: SampleSummary;
    readonly directMs: SampleSummary;
    /** Median SDK latency minus median direct latency. */
    readonly overheadMs: number;
    /** ORT in a plain worker: what running off the main thread costs without the SDK's layers. */
    readonly bareWorkerMs: SampleSummary;
    /** session.run alone inside the bare worker, against the whole main-thread call (directMs). */
    readonly bareWorkerRunMs: SampleSummary;
    /** A bare worker round trip: what any off-thread design pays at least. */
    readonly workerEchoMs: SampleSummary;
    readonly runtimes: Record<string, string>;
    readonly sameTopClass: boolean;
  };
  /** Fresh browser context each time: empty HTTP cache and Cache API. */
  readonly coldStart: { readonly ms: SampleSummary; readonly loadedFrom: readonly string[] };
  /**
   * A bare ONNX Runtime Web worker of the same build loading model.onnx, in fresh contexts
   * interleaved with the SDK's cold starts; `ratio` is the SDK's median over this one's.
   */
  readonly bareOrtColdStart: { readonly ms: SampleSummary; readonly ratio: number };
  /** The page reloaded in the same context: model files from the Cache API. */
  readonly warmStart: { readonly ms: SampleSummary; readonly loadedFrom: readonly string[] };
  readonly webgpu: { readonly ms: SampleSummary; readonly runtime: string } | { readonly unavailable: string };
  /** personalize(): 20 SGD steps x batch 32 through the SDK's worker on WASM. */
  readonly personalize: { readonly stepsMs: SampleSummary; readonly callMs: SampleSummary; readonly runtime: string };
}

const PERSONALIZE_STEPS = 20;
const PERSONALIZE_BATCH = 32;

interface Log {
  (line: string): void;
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Opens `url` and waits until its module has put `globalName` on the page. */
async function openBenchPage(context: BrowserContext, url: string, log: Log, globalName: string = PAGE_GLOBAL): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`browser: page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') log(`browser: console ${message.type()}: ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction((name) => name in globalThis, globalName, { timeout: STEP_TIMEOUT_MS });
  return page;
}

async function reloadColdStartApp(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction((name) => name in globalThis, COLD_START_GLOBAL, { timeout: STEP_TIMEOUT_MS });
}

async function startClassifier(page: Page, request: ColdStartRequest): Promise<StartTiming> {
  const result: StartTiming | StartFailure = await withTimeout(
    page.evaluate(([name, req]) => (globalThis as unknown as ColdStartWindow)[name](req), [COLD_START_GLOBAL, request] as const),
    'loadClassifier + first classify',
  );
  if ('error' in result) throw new Error(`the cold-start app failed to load: ${result.error.code}: ${result.error.message}`);
  return result;
}

function startBareOrt(page: Page, setup: BareColdStartSetup): Promise<BareStartTiming> {
  return withTimeout(
    page.evaluate(([name, req]) => (globalThis as unknown as BareColdStartWindow)[name](req), [BARE_COLD_START_GLOBAL, setup] as const),
    'bare ORT worker cold start',
  );
}

/**
 * Cold then warm start of the production-built app, once per fresh context (empty HTTP cache and
 * Cache API), interleaved with the cold start of a bare ORT worker in a fresh context of its own
 * (the order alternates, so drift in the machine's speed hits both alike); the first round only
 * warms the server and disk.
 */
async function measureStarts(browser: Browser, url: string, request: ColdStartRequest, bare: BareColdStartSetup, runs: number, log: Log) {
  const cold: StartTiming[] = [];
  const warm: StartTiming[] = [];
  const bareCold: BareStartTiming[] = [];
  const inFreshContext = async <T>(run: (page: Page) => Promise<T>): Promise<T> => {
    const context = await browser.newContext();
    try {
      return await run(await openBenchPage(context, url, log, COLD_START_GLOBAL));
    } finally {
      await context.close();
    }
  };
  const sdkStarts = () =>
    inFreshContext(async (page) => {
      const first = await startClassifier(page, request);
      await reloadColdStartApp(page);
      return [first, await startClassifier(page, request)] as const;
    });
  for (let run = -1; run < runs; run++) {
    const bareFirst = run % 2 !== 0;
    const bareStart = bareFirst ? await inFreshContext((page) => startBareOrt(page, bare)) : undefined;
    const [first, second] = await sdkStarts();
    const bareAfter = bareStart ?? (await inFreshContext((page) => startBareOrt(page, bare)));
    if (run >= 0) {
      cold.push(first);
      warm.push(second);
      bareCold.push(bareAfter);
    }
  }
  logStartPhases(cold, bareCold, log);
  return { cold, warm, bareCold };
}

/**
 * Where each cold start spent its time (medians, ms from the call): the SDK's from the progress
 * events the app sees, the bare worker's from marks it sends back. Printed only, never asserted.
 */
function logStartPhases(cold: readonly StartTiming[], bare: readonly BareStartTiming[], log: Log): void {
  const median = (values: number[]) => {
    const seen = values.filter(Number.isFinite);
    return seen.length > 0 ? Math.round(summarize(seen).median) : Number.NaN;
  };
  const lastAt = (start: StartTiming, keep: (event: StartTiming['progress'][number]) => boolean) => start.progress.filter(keep).at(-1)?.at ?? Number.NaN;
  const sdk = {
    'manifest read': median(cold.map((start) => lastAt(start, (event) => event.phase === 'manifest'))),
    'first wasm bytes': median(cold.map((start) => start.progress.find((event) => event.phase === 'runtime')?.at ?? Number.NaN)),
    'model files verified': median(cold.map((start) => lastAt(start, (event) => event.phase === 'verify'))),
    'wasm in': median(cold.map((start) => lastAt(start, (event) => event.phase === 'runtime'))),
    'runtime started and files ready': median(cold.map((start) => lastAt(start, (event) => event.phase === 'ready'))),
    'loadClassifier resolved': median(cold.map((start) => start.loadedMs)),
    'first result': median(cold.map((start) => start.ms)),
  };
  const bareWorker = {
    'ORT imported': median(bare.map((start) => start.phases.ortImported)),
    'model fetched': median(bare.map((start) => start.phases.modelFetched)),
    'wasm instantiated': median(bare.map((start) => start.phases.wasmInstantiated)),
    'session created': median(bare.map((start) => start.phases.sessionCreated)),
    'first result': median(bare.map((start) => start.ms)),
  };
  const line = (phases: Record<string, number>) => Object.entries(phases).map(([name, ms]) => `${name} ${ms}`).join(', ');
  log(`browser: cold-start phases, median ms from the call: SDK: ${line(sdk)}`);
  log(`browser: cold-start phases, median ms from the call: bare ORT worker: ${line(bareWorker)}`);
}

async function measureLatency(
  browser: Browser,
  url: string,
  request: LatencyRequest,
  method: 'wasmLatency' | 'webgpuLatency',
  log: Log,
): Promise<LatencyReply | undefined> {
  // Its own context: no ORT instance or worker from another step shares the page.
  const context = await browser.newContext();
  try {
    const page = await openBenchPage(context, url, log);
    return await withTimeout(
      page.evaluate(([name, m, req]) => (globalThis as unknown as BenchPageWindow)[name][m](req), [PAGE_GLOBAL, method, request] as const),
      method,
    );
  } finally {
    await context.close();
  }
}

export async function runBrowserBench(
  checkpoint: BenchCheckpoint,
  image: Uint8Array,
  options: {
    readonly rounds: number;
    /** Cold starts per contender; default rounds / 4. */
    readonly startRuns?: number | undefined;
    readonly log: Log;
    /** Labelled images for the personalization timing: 784 bytes each. */
    readonly samples: { readonly images: Uint8Array; readonly labels: Uint8Array };
  },
): Promise<BrowserBenchResults> {
  const { log } = options;
  const server = await startBenchServer(checkpoint.modelsDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  try {
    const url = `${server.origin}${PAGE_PATH}`;
    const manifestUrl = `/models/${checkpoint.name}/manifest.json`;
    const pixels = Array.from(image);
    const latencyRequest = (callsPerTurn: number): LatencyRequest => ({
      manifestUrl,
      modelUrl: `/models/${checkpoint.name}/model.onnx`,
      inputName: checkpoint.inputName,
      probsName: checkpoint.probsName,
      threads: BROWSER_THREADS,
      image: pixels,
      rounds: options.rounds,
      warmupRounds: WARMUP_ROUNDS,
      callsPerTurn,
      turnWarmupCalls: 1,
    });

    const startRuns = options.startRuns ?? Math.max(1, Math.ceil(options.rounds / 4));
    log('browser: building the cold-start app for production (vite build) and serving it statically');
    const app = await startColdStartServer(checkpoint.modelsDir);
    let starts: Awaited<ReturnType<typeof measureStarts>>;
    try {
      log(`browser: cold and warm starts of that app, and a bare ORT worker's cold start, ${startRuns} fresh contexts each (plus one to warm up)`);
      const bare: BareColdStartSetup = {
        modelUrl: `/models/${checkpoint.name}/model.onnx`,
        inputName: checkpoint.inputName,
        probsName: checkpoint.probsName,
        threads: BROWSER_THREADS,
        image: pixels,
      };
      starts = await measureStarts(browser, `${app.origin}/`, { manifestUrl, threads: BROWSER_THREADS, image: pixels }, bare, startRuns, log);
    } finally {
      await app.close();
    }

    log(`browser: single-image latency, SDK worker vs ORT on the main thread, ${options.rounds} x ${WASM_CALLS_PER_TURN} calls each`);
    const wasm = await measureLatency(browser, url, latencyRequest(WASM_CALLS_PER_TURN), 'wasmLatency', log);
    if (!wasm) throw new Error('the bench page returned no wasm latencies');
    const sdkMs = summarize(wasm.samples[SDK_CONTENDER]!);
    const directMs = summarize(wasm.samples[DIRECT_CONTENDER]!);

    log(`browser: WebGPU (SwiftShader) single-image latency, ${options.rounds} x ${WEBGPU_CALLS_PER_TURN} calls`);
    const webgpu = await measureLatency(browser, url, latencyRequest(WEBGPU_CALLS_PER_TURN), 'webgpuLatency', log);

    log(`browser: personalize, ${PERSONALIZE_STEPS} steps x batch ${PERSONALIZE_BATCH} through the SDK worker (wasm), ${options.rounds} rounds`);
    const personalizeContext = await browser.newContext();
    let personalize: PersonalizeTimingReply;
    try {
      const page = await openBenchPage(personalizeContext, url, log);
      const request: PersonalizeTimingRequest = {
        manifestUrl,
        threads: BROWSER_THREADS,
        images: Array.from(options.samples.images),
        labels: Array.from(options.samples.labels),
        steps: PERSONALIZE_STEPS,
        batchSize: PERSONALIZE_BATCH,
        rounds: options.rounds,
      };
      personalize = await withTimeout(
        page.evaluate(([name, req]) => (globalThis as unknown as BenchPageWindow)[name].personalizeTiming(req), [PAGE_GLOBAL, request] as const),
        'personalizeTiming',
      );
    } finally {
      await personalizeContext.close();
    }

    return {
      personalize: { stepsMs: summarize(personalize.stepsMs), callMs: summarize(personalize.callMs), runtime: personalize.runtime },
      chromium: browser.version(),
      threads: BROWSER_THREADS,
      crossOriginIsolated: wasm.crossOriginIsolated,
      latency: {
        sdkMs,
        directMs,
        overheadMs: sdkMs.median - directMs.median,
        bareWorkerMs: summarize(wasm.samples[BARE_WORKER_CONTENDER]!),
        bareWorkerRunMs: summarize(wasm.bareWorkerRunMs ?? []),
        workerEchoMs: summarize(wasm.samples[ECHO_CONTENDER]!),
        runtimes: wasm.runtimes,
        sameTopClass: wasm.topClasses[SDK_CONTENDER] === wasm.topClasses[DIRECT_CONTENDER],
      },
      coldStart: { ms: summarize(starts.cold.map((start) => start.ms)), loadedFrom: starts.cold.map((start) => start.loadedFrom) },
      bareOrtColdStart: {
        ms: summarize(starts.bareCold.map((start) => start.ms)),
        ratio: summarize(starts.cold.map((start) => start.ms)).median / summarize(starts.bareCold.map((start) => start.ms)).median,
      },
      warmStart: { ms: summarize(starts.warm.map((start) => start.ms)), loadedFrom: starts.warm.map((start) => start.loadedFrom) },
      webgpu: webgpu
        ? { ms: summarize(webgpu.samples[SDK_CONTENDER]!), runtime: webgpu.runtimes[SDK_CONTENDER] ?? '' }
        : { unavailable: 'navigator.gpu gave no adapter' },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
