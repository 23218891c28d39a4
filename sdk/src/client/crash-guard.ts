/**
 * Fails in-flight calls when their worker dies. Each call registers in a set and leaves it when it
 * settles: racing every call against the long-lived `crashed` promise instead would add a reaction
 * to that promise per call, keeping every call's closure alive for the worker's whole life.
 */
export function createCrashGuard(crashed: Promise<Error>): <T>(call: Promise<T>) => Promise<T> {
  let failure: Error | undefined;
  const waiting = new Set<(error: Error) => void>();
  void crashed.then((error) => {
    failure = error;
    for (const reject of waiting) reject(error);
    waiting.clear();
  });
  return <T>(call: Promise<T>) =>
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
}
