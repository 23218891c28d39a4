/**
 * Aborts a request that makes no progress for `ms`: no response headers yet, or no next chunk of
 * the body. Without it a server that accepts the connection and then stalls hangs a load for as
 * long as the platform allows (forever in browsers, five minutes in Node's fetch).
 */
export class StallWatchdog {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #forward = () => this.#controller.abort(this.#caller?.reason);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stalled = false;

  /** Fires when the caller's signal does or the request stalls: pass it to fetch(). */
  readonly signal = this.#controller.signal;

  constructor(
    readonly ms: number,
    caller?: AbortSignal,
  ) {
    this.#caller = caller;
    if (caller?.aborted) this.#forward();
    caller?.addEventListener('abort', this.#forward, { once: true });
    this.progress();
  }

  /** True once the request was stopped for making no progress (not by the caller). */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** Restarts the countdown: call on every sign of progress. */
  progress(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#stalled = true;
      this.#controller.abort(new Error(`no data for ${this.ms} ms`));
    }, this.ms);
  }

  /** Ends the watch once the response is read or abandoned. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this.#forward);
  }
}
