import { wrap } from 'comlink';
import type { EngineApi } from '../engine/engine-protocol.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { installErrorTransfer } from '../worker/error-transfer.ts';
import { watchMessageLoss } from '../worker/message-loss.ts';
import { messageLostError, stoppedError } from './connection-errors.ts';
import { createCrashGuard } from './crash-guard.ts';
import type { ConnectWorker } from './worker-connection.ts';
import type { BackendRequest } from '../engine/ort-types.ts';

/**
 * Starts the engine in a module Web Worker: one holding only ONNX Runtime's WASM build when
 * WebGPU cannot be used (backend 'wasm', or no navigator.gpu), else one holding both builds. The
 * `new Worker(new URL(..., import.meta.url))` form is what Vite, webpack and esbuild-based
 * bundlers recognise to bundle a worker file.
 */
export const connectBrowserWorker: ConnectWorker = (backend) => {
  installErrorTransfer();
  // Both calls written out in full: Vite reads the URL and the options only from literals.
  const worker = mayUseWebGpu(backend)
    ? new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module', name: 'edgetune' })
    : new Worker(new URL('./browser-worker-wasm.js', import.meta.url), { type: 'module', name: 'edgetune' });
  let terminated = false;
  let reportCrash: (error: Error) => void = () => undefined;
  const crashed = new Promise<Error>((resolve) => {
    reportCrash = resolve;
    worker.addEventListener('error', (event) => {
      if (terminated) return;
      event.preventDefault();
      resolve(
        new EdgetuneError(ErrorCodes.WORKER_CRASHED, `the model worker crashed: ${event.message || 'it failed to start'}; the next call restarts it`),
      );
    });
  });
  const guard = createCrashGuard(crashed);
  watchMessageLoss(worker, () => guard.failPending(messageLostError()));
  return {
    api: wrap<EngineApi>(worker),
    crashed,
    guard,
    setBusy: () => undefined,
    // Stopping a Web Worker mid-run is safe: the wasm just stops.
    terminate: async () => {
      terminated = true;
      guard.failPending(stoppedError());
      worker.terminate();
    },
    // A terminated Web Worker fires no event, so the crash is reported here.
    kill: () => {
      worker.terminate();
      reportCrash(new EdgetuneError(ErrorCodes.WORKER_CRASHED, 'the model worker was stopped; the next call restarts it'));
    },
  };
};

/** The WASM-only entry serves exactly the requests that cannot end on WebGPU; the rest (errors included) get both builds. */
function mayUseWebGpu(backend: BackendRequest): boolean {
  if (backend === 'wasm') return false;
  return backend !== 'auto' || (globalThis.navigator as { gpu?: unknown } | undefined)?.gpu != null;
}
