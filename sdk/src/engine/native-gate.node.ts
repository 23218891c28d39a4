import { EdgetuneError, ErrorCodes } from '../errors.ts';

/*
 * onnxruntime-node creates sessions and runs them synchronously on the worker's JS thread. If
 * Node terminates the worker meanwhile (worker.terminate(), process.exit(), an uncaught
 * exception), the addon's return into JS fails, node-addon-api throws a C++ Napi::Error while
 * the environment is going away, and std::terminate aborts the whole process (SIGABRT, exit 134).
 *
 * The gate makes termination wait for a boundary between native calls. It lives in a
 * SharedArrayBuffer so the host can wait for it synchronously, which a process 'exit' listener
 * must do: [STOPPING] is set by the host and refuses new native calls; [IN_NATIVE] counts the
 * calls the worker has in flight.
 */
const STOPPING = 0;
const IN_NATIVE = 1;

function stoppedError(): EdgetuneError {
  return new EdgetuneError(ErrorCodes.DISPOSED, 'the model worker is stopping; this call did not run. Load the classifier again.');
}

/** The worker's side: every native ONNX Runtime call runs inside `run`. */
export class NativeGate {
  readonly #state: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#state = new Int32Array(buffer);
  }

  /** Runs `call` unless the host is stopping the worker; the host's stop waits for it to finish. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    // Counted before the flag is read (both sequentially consistent), so a stop either sees
    // this call in flight or this call sees the stop: never neither.
    Atomics.add(this.#state, IN_NATIVE, 1);
    try {
      if (Atomics.load(this.#state, STOPPING) !== 0) throw stoppedError();
      return await call();
    } finally {
      Atomics.sub(this.#state, IN_NATIVE, 1);
      Atomics.notify(this.#state, IN_NATIVE);
    }
  }
}

type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: unknown };

/** The host's side: stops native calls and waits until none is in flight. */
export class NativeGateHost {
  readonly buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  readonly #state = new Int32Array(this.buffer);

  /** Refuses every native call from now on; one in flight finishes. */
  stop(): void {
    Atomics.store(this.#state, STOPPING, 1);
  }

  /** Resolves once no native call is in flight (after stop(), none starts again). */
  async idle(): Promise<void> {
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    for (let inFlight = Atomics.load(this.#state, IN_NATIVE); inFlight !== 0; inFlight = Atomics.load(this.#state, IN_NATIVE)) {
      const result = waitAsync(this.#state, IN_NATIVE, inFlight);
      if (result.async) await result.value;
    }
  }

  /**
   * Blocks the calling thread until no native call is in flight, for at most `timeoutMs`: for a
   * process 'exit' listener, which cannot wait asynchronously. Returns false on timeout.
   */
  idleSync(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    for (let inFlight = Atomics.load(this.#state, IN_NATIVE); inFlight !== 0; inFlight = Atomics.load(this.#state, IN_NATIVE)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.#state, IN_NATIVE, inFlight, left);
    }
    return true;
  }
}
