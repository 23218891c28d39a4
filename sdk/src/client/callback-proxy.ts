import { proxy, type ProxyMarked } from 'comlink';

export type ReportError = (error: unknown) => void;

/** How the platform reports an exception no caller awaits: `reportError` in browsers, an uncaught exception in Node (as its EventTarget does). */
const reportUncaught: ReportError = (error) => {
  const report = (globalThis as { reportError?: ReportError }).reportError;
  if (typeof report === 'function') report(error);
  else queueMicrotask(() => {
    throw error;
  });
};

/**
 * A caller's callback (onProgress, onStep) as the worker calls it. Comlink sends a callback's
 * result back to the worker: a value it cannot clone (a function, a class instance with methods)
 * failed the worker's call with an uncoded "TypeError: Unserializable return value", and so did
 * a thrown exception. The worker needs nothing back, so the result is dropped and an exception is
 * reported on the caller's side the way an event listener's is, leaving the call unharmed.
 */
export function callbackProxy<T>(callback: (value: T) => unknown, report: ReportError = reportUncaught): ((value: T) => void) & ProxyMarked {
  return proxy(notifier(callback, report));
}

/** The same wrapper without Comlink's marker. */
export function notifier<T>(callback: (value: T) => unknown, report: ReportError = reportUncaught): (value: T) => void {
  return (value) => {
    try {
      const result = callback(value);
      // An async callback's rejection is reported too, not left unhandled.
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  };
}
