import { wrap } from 'comlink';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { EngineApi } from '../engine/engine-protocol.ts';
import { NativeGateHost } from '../engine/native-gate.node.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { installErrorTransfer } from '../worker/error-transfer.ts';
import { watchMessageLoss } from '../worker/message-loss.ts';
import { portEndpoint } from '../worker/port-endpoint.node.ts';
import { createCrashGuard } from './crash-guard.ts';
import { messageLostError, stoppedError } from './connection-errors.ts';
import { stopWorkersOnExit } from './stop-workers-on-exit.node.ts';
import type { ConnectWorker, WorkerConnection } from './worker-connection.ts';

/** Starts the engine in a worker_thread; the bundled worker file sits beside this module. */
export const connectNodeWorker: ConnectWorker = () => startNodeWorker(new URL('./node-worker.js', import.meta.url));

/** @internal `script` serves the engine protocol; tests pass small scripts of their own. */
export function startNodeWorker(script: URL, resourceLimits?: ResourceLimits): WorkerConnection {
  installErrorTransfer();
  const gate = new NativeGateHost();
  const worker = new Worker(script, { workerData: { nativeGate: gate.buffer }, ...(resourceLimits ? { resourceLimits } : {}) });
  const unregister = stopWorkersOnExit(gate);
  let terminating = false;
  const crashed = new Promise<Error>((resolve) => {
    worker.once('error', (cause) =>
      resolve(new EdgetuneError(ErrorCodes.WORKER_CRASHED, `the model worker crashed: ${cause.message}; the next call restarts it`, { cause })),
    );
    worker.once('exit', (code) => {
      unregister();
      if (!terminating) {
        resolve(new EdgetuneError(ErrorCodes.WORKER_CRASHED, `the model worker exited unexpectedly (code ${code}); the next call restarts it`));
      }
    });
  });
  const guard = createCrashGuard(crashed);
  const endpoint = portEndpoint(worker);
  watchMessageLoss(endpoint, () => guard.failPending(messageLostError()));
  // Never terminated mid-call into onnxruntime-node: that aborts the whole process.
  const stop = async () => {
    gate.stop();
    // Waiting on the gate alone would not keep the process alive until the worker is stopped.
    worker.ref();
    await gate.idle();
    await worker.terminate();
  };
  // An idle worker must not keep the caller's process alive; one with calls in flight must.
  worker.unref();
  let callsInFlight = 0;
  return {
    api: wrap<EngineApi>(endpoint),
    crashed,
    guard,
    setBusy: (busy) => {
      callsInFlight += busy ? 1 : -1;
      if (callsInFlight > 0) worker.ref();
      else worker.unref();
    },
    terminate: async () => {
      terminating = true;
      guard.failPending(stoppedError());
      await stop();
    },
    kill: () => {
      // As a crash would: the calls in flight fail with E_WORKER_CRASHED at once, before runs the
      // stopping gate refuses can answer for them with another code.
      guard.failPending(new EdgetuneError(ErrorCodes.WORKER_CRASHED, 'the model worker was killed; the next call restarts it'));
      void stop();
    },
  };
}
