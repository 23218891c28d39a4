import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { backendUnavailable } from './backend-error.ts';
import { handOverCompiledWasm } from './compiled-wasm-handoff.browser.ts';
import { ortWebFiles } from './ort-web-files.browser.ts';
import { CPU_RUN_CHUNK, type OrtModule, type Runtime, type RuntimeSelector, type RuntimeStartOptions, type SessionOptions } from './ort-types.ts';
import { openRuntimeWasm } from './runtime-wasm.browser.ts';
import { RUNTIME_START_TIMEOUT_MS, withinStartupTime } from './startup-watchdog.ts';
import { warmUpModel } from './warm-up-model.ts';
import { DEFAULTS } from '../defaults.ts';

/*
 * The one module that picks the ONNX Runtime build in the browser and maps a backend to its
 * execution provider. The builds are those the worker entry holds (see OrtBuilds), each imported
 * only when chosen: the WebGPU build ships a 25 MB wasm, the plain WASM build 14 MB.
 */

/**
 * The ONNX Runtime Web builds a worker entry can load. A worker that never uses WebGPU
 * (worker-wasm.browser.ts) leaves `webgpu` out: bundlers that inline a worker's dynamic imports
 * (Vite's default iife worker format) then leave that build out of its chunk.
 */
export interface OrtBuilds {
  readonly wasm: () => Promise<unknown>;
  readonly webgpu?: () => Promise<unknown>;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown> };
  hardwareConcurrency?: number;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as GpuNavigator | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

function defaultThreads(): number {
  // Threads need SharedArrayBuffer, i.e. a crossOriginIsolated page (COOP/COEP headers).
  if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) return 1;
  const cores = (globalThis.navigator as GpuNavigator | undefined)?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(DEFAULTS.browserMaxThreads, Math.floor(cores / 2)));
}

export function browserRuntimeSelector(builds: OrtBuilds): RuntimeSelector {
  return async (request, threads) => {
    // Asking for an adapter can take a while (it starts the GPU process), so only when it matters.
    const webgpu = request === 'wasm' || !builds.webgpu ? false : await hasWebGpuAdapter();
    const available = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
    if (request === 'cpu') throw backendUnavailable(request, available, 'in the browser ("cpu" is the Node backend)');
    if (request === 'webgpu' && !webgpu) {
      throw backendUnavailable(request, available, builds.webgpu ? 'in this browser: navigator.gpu gave no adapter' : 'in this worker (it holds the WASM build only)');
    }
    const backend = request === 'auto' ? (webgpu ? 'webgpu' : 'wasm') : request;
    const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
    const numThreads = isolated ? (threads ?? defaultThreads()) : 1;
    const ort = (await (backend === 'webgpu' && builds.webgpu ? builds.webgpu() : builds.wasm())) as OrtModule;
    return configure(ort, backend, numThreads);
  };
}

function configure(ort: OrtModule, backend: 'wasm' | 'webgpu', numThreads: number): Runtime {
  ort.env.wasm.numThreads = numThreads;
  ort.env.logLevel = 'error';
  const sessionOptions: SessionOptions = { executionProviders: [backend], graphOptimizationLevel: 'all' };
  const description = `onnxruntime-web ${ort.env.versions.web ?? ''} (${backend}, ${numThreads} thread${numThreads === 1 ? '' : 's'})`;
  return {
    ort,
    backend,
    threads: numThreads,
    sessionOptions,
    // A GPU wants the whole batch in one dispatch.
    runChunk: backend === 'webgpu' ? undefined : CPU_RUN_CHUNK,
    start: (options) => startOrtWeb(ort, backend, numThreads, sessionOptions, description, options),
    description,
  };
}

/**
 * Points ORT at its standalone glue and at wasm bytes verified here, then starts it by creating a
 * one-node session, under a watchdog: a start that stalls fails with a code instead of hanging.
 */
async function startOrtWeb(
  ort: OrtModule,
  backend: 'wasm' | 'webgpu',
  threads: number,
  sessionOptions: SessionOptions,
  description: string,
  options: RuntimeStartOptions,
): Promise<void> {
  const files = ortWebFiles(backend);
  if (files.version !== undefined && files.version !== ort.env.versions.web) {
    throw new EdgetuneError(
      ErrorCodes.BACKEND_UNAVAILABLE,
      `edgetune was built for onnxruntime-web ${files.version} but the app bundled ${ort.env.versions.web}; ` +
        `install onnxruntime-web@${files.version} (the version edgetune depends on).`,
    );
  }
  if (files.wasm) {
    const wasm = await openRuntimeWasm(files.wasm, files.wasmUrl, options.cache, options.onBytes);
    // ORT starts now, importing its glue while the wasm still downloads; its instantiate call
    // waits for the module compiled from the download, handed over only once the bytes matched
    // their pin, so no unverified code ever runs.
    ort.env.wasm.wasmBinary = wasm.standIn;
    ort.env.wasm.wasmPaths = { mjs: files.glueUrl };
    const restore = handOverCompiledWasm(wasm.standIn, wasm.verifiedModule);
    try {
      const starting = startSession(ort, sessionOptions, description, threads, files.glueUrl, wasm.verified);
      const [verified, started] = await Promise.allSettled([wasm.verified, starting]);
      // Bytes that failed to arrive or to verify are the cause, whatever ORT made of them.
      if (verified.status === 'rejected') throw verified.reason;
      if (started.status === 'rejected') throw started.reason;
    } finally {
      restore();
      // ORT holds its compiled module now; the stand-in need not stay referenced from env.
      ort.env.wasm.wasmBinary = undefined;
    }
    // Cached after the start, not during it: the write of 14 MB would compete with ORT's start-up.
    options.keepAlive(wasm.store());
  } else {
    // Run from source (no build step pinned the wasm): ORT's files by URL, uncached.
    ort.env.wasm.wasmPaths = { mjs: files.glueUrl, wasm: files.wasmUrl };
    await startSession(ort, sessionOptions, description, threads, files.glueUrl, Promise.resolve());
  }
}

/** Creates a one-node session; the watchdog's clock starts once `bytesReady` settles. */
async function startSession(
  ort: OrtModule,
  sessionOptions: SessionOptions,
  description: string,
  threads: number,
  glueUrl: URL,
  bytesReady: Promise<unknown>,
): Promise<void> {
  const stalled = () =>
    new EdgetuneError(
      ErrorCodes.BACKEND_UNAVAILABLE,
      `${description} did not start within ${RUNTIME_START_TIMEOUT_MS / 1000} s: onnxruntime-web's glue ` +
        `(${glueUrl.href}) did not load` +
        (threads > 1
          ? `, or the ${threads - 1} worker thread(s) started from it never reported in. Serve that file unchanged, or pass threads: 1.`
          : '. Check that the file is served, then retry.'),
    );
  try {
    const session = await withinStartupTime(ort.InferenceSession.create(warmUpModel(), sessionOptions), RUNTIME_START_TIMEOUT_MS, stalled, bytesReady);
    await session.release();
  } catch (cause) {
    if (cause instanceof EdgetuneError) throw cause;
    throw new EdgetuneError(
      ErrorCodes.BACKEND_UNAVAILABLE,
      `${description} failed to start: ${(cause as Error)?.message ?? cause}. Try threads: 1 or another backend.`,
      { cause },
    );
  }
}
