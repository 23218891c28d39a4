/**
 * Runs tasks one at a time, in arrival order. ONNX Runtime Web refuses a second run on a session
 * while one is in flight, and workerd interleaves requests in an isolate at every await.
 */
export class RunQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  get pending(): number {
    return this.#pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => this.#pending--,
      () => this.#pending--,
    );
    return result;
  }
}
