/** A promise awaited later by its caller: until then, a rejection must not count as unhandled. */
export function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
