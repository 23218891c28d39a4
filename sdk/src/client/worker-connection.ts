import type { Remote } from 'comlink';
import type { BackendRequest, EngineApi } from '../engine/engine-protocol.ts';

/** A running worker that hosts one engine. */
export interface WorkerConnection {
  readonly api: Remote<EngineApi>;
  /** Settles with an E_WORKER_CRASHED error if the worker dies; never settles on a clean terminate(). */
  readonly crashed: Promise<Error>;
  /** Settles as `call` does, or rejects with the E_WORKER_CRASHED error if the worker dies first. */
  guard<T>(call: Promise<T>): Promise<T>;
  /** Called as each call starts (true) and ends (false): keeps the host process alive while any is pending (Node); a no-op in browsers. */
  setBusy(busy: boolean): void;
  /**
   * Stops the worker; calls still pending fail with E_DISPOSED. In Node it first waits for a native
   * ONNX Runtime call in flight to return (see native-gate.node.ts).
   */
  terminate(): Promise<void>;
  /** Stops the worker as a crash would (pending calls fail with E_WORKER_CRASHED); for fault-injection tests. */
  kill(): void;
}

/**
 * The key under which a Classifier exposes its current connection, for fault-injection tests.
 * A registered symbol, so tests reach it without importing internals from the bundle.
 */
export const WORKER_CONNECTION = Symbol.for('edgetune.workerConnection');

/** Starts a worker able to run `backend` (the browser picks the worker entry by it; Node has one). */
export type ConnectWorker = (backend: BackendRequest) => WorkerConnection;
