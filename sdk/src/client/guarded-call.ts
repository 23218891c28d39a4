import type { EngineApi } from '../engine/engine-protocol.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { WorkerConnection } from './worker-connection.ts';

/** Runs a worker call that fails if the worker dies or the signal aborts, instead of hanging. */
export async function runGuarded<T>(connection: WorkerConnection, signal: AbortSignal | undefined, task: (api: EngineApi) => Promise<T>): Promise<T> {
  if (signal?.aborted) throw abortError(signal);
  connection.setBusy(true);
  try {
    const call = connection.guard(task(connection.api as unknown as EngineApi));
    if (!signal) return await call;
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  } finally {
    connection.setBusy(false);
  }
}

function abortError(signal: AbortSignal): EdgetuneError {
  return new EdgetuneError(ErrorCodes.ABORTED, 'loading was aborted by the caller’s AbortSignal', { cause: signal.reason });
}

/** A timer that can be cancelled, so a settled race leaves nothing keeping Node alive. */
export function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
