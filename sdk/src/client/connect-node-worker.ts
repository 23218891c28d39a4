import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Worker } from 'node:worker_threads';
import type { EngineApi } from '../engine/engine-protocol.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { installErrorTransfer } from '../worker/error-transfer.ts';
import { createCrashGuard } from './crash-guard.ts';
import type { ConnectWorker } from './worker-connection.ts';

/** Starts the engine in a worker_thread; the bundled worker file sits beside this module. */
export const connectNodeWorker: ConnectWorker = () => {
  installErrorTransfer();
  const worker = new Worker(new URL('./node-worker.js', import.meta.url));
  let terminating = false;
  const crashed = new Promise<Error>((resolve) => {
    worker.once('error', (cause) =>
      resolve(new EdgetuneError(ErrorCodes.WORKER_CRASHED, `the model worker crashed: ${cause.message}; the next call restarts it`, { cause })),
    );
    worker.once('exit', (code) => {
      if (!terminating) {
        resolve(new EdgetuneError(ErrorCodes.WORKER_CRASHED, `the model worker exited unexpectedly (code ${code}); the next call restarts it`));
      }
    });
  });
  // An idle worker must not keep the caller's process alive; one with calls in flight must.
  worker.unref();
  let callsInFlight = 0;
  return {
    api: wrap<EngineApi>(nodeEndpoint(worker)),
    crashed,
    guard: createCrashGuard(crashed),
    setBusy: (busy) => {
      callsInFlight += busy ? 1 : -1;
      if (callsInFlight > 0) worker.ref();
      else worker.unref();
    },
    terminate: async () => {
      terminating = true;
      await worker.terminate();
    },
    kill: () => void worker.terminate(),
  };
};
