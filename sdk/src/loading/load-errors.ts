import { EdgetuneError, ErrorCodes } from '../errors.ts';

/** Errors shared by the loading steps, worded once so every step reports them alike. */

export function abortedError(what: string, signal: AbortSignal): EdgetuneError {
  return new EdgetuneError(ErrorCodes.ABORTED, `${what} was aborted by the caller's AbortSignal`, { cause: signal.reason });
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(what, signal);
}

/** fetch() rejected (DNS, refused connection, offline): unlike an HTTP error status, no server answered. */
export class NetworkUnreachableError extends EdgetuneError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(ErrorCodes.FETCH_FAILED, `Could not reach ${url} (${describeCause(cause)}); check the network connection and retry.`, {
      cause,
    });
  }
}

/** The message of an error and of its cause: undici's "fetch failed" alone says nothing. */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? cause.cause.message : undefined;
  return inner && inner !== cause.message ? `${cause.message}: ${inner}` : cause.message;
}
