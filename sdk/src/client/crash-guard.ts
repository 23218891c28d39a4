/** Wraps each worker call so that it settles even when its reply can never come. */
export interface CallGuard {
  <T>(call: Promise<T>): Promise<T>;
  /** Rejects every call pending now (a reply was lost, or the worker was stopped); later calls are unaffected. */
  failPending(error: Error): void;
}

/**
 * Fails in-flight calls when their worker dies. Each call registers in a set and leaves it when it
 * settles: racing every call against the long-lived `crashed` promise instead would add a reaction
 * to that promise per call, keeping every call's closure alive for the worker's whole life.
 */
export function createCrashGuard(crashed: Promise<Error>): CallGuard {
  let failure: Error | undefined;
  const waiting = new Set<(error: Error) => void>();
  const failPending = (error: Error) => {
    const rejects = [...waiting];
    waiting.clear();
    for (const reject of rejects) reject(error);
  };
  void crashed.then((error) => {
    failure = error;
    failPending(error);
  });
  const guard = <T>(call: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      waiting.add(reject);
      call.then(
        (value) => {
          waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          waiting.delete(reject);
          reject(error);
        },
      );
    });
  return Object.assign(guard, { failPending });
}
