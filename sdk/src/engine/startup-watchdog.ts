import type { EdgetuneError } from '../errors.ts';
import { DEFAULTS } from '../defaults.ts';

/**
 * How long ONNX Runtime may take to start once its wasm is in memory: import its glue, compile
 * the wasm and hear back from every thread. Measured start-ups take well under 2 s; a start that
 * has not finished after this long is stalled (e.g. threads that never report in), not slow.
 */
export const RUNTIME_START_TIMEOUT_MS = DEFAULTS.runtimeStartTimeoutMs;

/**
 * Settles as `work` does, or rejects with `stalled()` if `work` is still pending `ms` after
 * `from` settled (default: now). `from` lets a start begin before its inputs are all in (a
 * download of any length) while the clock covers only what follows.
 */
export async function withinStartupTime<T>(work: Promise<T>, ms: number, stalled: () => EdgetuneError, from: Promise<unknown> = Promise.resolve()): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  const watchdog = new Promise<never>((_, reject) => {
    const arm = () => {
      if (!settled) timer = setTimeout(() => reject(stalled()), ms);
    };
    from.then(arm, arm);
  });
  try {
    return await Promise.race([work, watchdog]);
  } finally {
    settled = true;
    clearTimeout(timer);
  }
}
