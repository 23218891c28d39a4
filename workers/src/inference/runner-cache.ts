import type { Manifest } from '../../../sdk/src/artifacts/manifest.ts';
import { ModelRunner } from './model-runner.ts';

/** Sessions kept per isolate: each holds its model's weights and buffers in the 128 MB isolate. */
const MAX_RUNNERS = 4;
const runners = new Map<string, Promise<ModelRunner>>();

/**
 * The isolate's runner for a model version, created once: concurrent first requests share one
 * load, a failed load is forgotten so the next request retries, the oldest runner is released
 * when a fifth version is asked for.
 */
export function runnerFor(bucket: R2Bucket, manifest: Manifest): Promise<ModelRunner> {
  const key = `${manifest.name}@${manifest.version}`;
  const existing = runners.get(key);
  if (existing) {
    // Most recently used last.
    runners.delete(key);
    runners.set(key, existing);
    return existing;
  }
  const loading = ModelRunner.load(bucket, manifest);
  runners.set(key, loading);
  loading.catch(() => {
    if (runners.get(key) === loading) runners.delete(key);
  });
  if (runners.size > MAX_RUNNERS) {
    const [oldestKey, oldest] = runners.entries().next().value!;
    runners.delete(oldestKey);
    void oldest.then((runner) => runner.release()).catch(() => undefined);
  }
  return loading;
}
