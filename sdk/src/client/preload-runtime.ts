import { proxy } from 'comlink';
import type { EngineApi, RuntimeInfo } from '../engine/engine-protocol.ts';
import type { RuntimeRequest } from '../engine/runtime-start.ts';
import { resolveRuntimeOptions, type RuntimeOptions } from './runtime-options.ts';
import type { ConnectWorker, WorkerConnection } from './worker-connection.ts';

export type PreloadRuntimeOptions = RuntimeOptions;

interface Preloaded {
  readonly key: string;
  readonly connection: WorkerConnection;
  readonly started: Promise<RuntimeInfo>;
}

/** The one worker started ahead of a model, waiting for the next loadClassifier() that matches it. */
let preloaded: Preloaded | undefined;

function keyOf(request: RuntimeRequest): string {
  return `${request.backend}/${request.threads ?? 'default'}/${request.cache}`;
}

/**
 * preloadRuntime(): starts a worker and its ONNX Runtime (in browsers: downloads, verifies and
 * caches the wasm, compiles it, starts its threads) before the app knows which model it wants.
 * The next loadClassifier() with the same backend, threads and cache options adopts that worker.
 */
export function createPreloadRuntime(connect: ConnectWorker) {
  return function preloadRuntime(options: PreloadRuntimeOptions = {}): Promise<RuntimeInfo> {
    let request: RuntimeRequest;
    try {
      request = resolveRuntimeOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = keyOf(request);
    if (preloaded?.key === key) return preloaded.started;
    // Another runtime was asked for: the earlier one is not what the app wants any more.
    if (preloaded) void preloaded.connection.terminate();

    const connection = connect(request.backend);
    const onProgress = options.onProgress;
    connection.setBusy(true);
    const started = connection.guard(
      (connection.api as unknown as EngineApi).startRuntime(request, onProgress ? proxy(onProgress) : undefined),
    );
    const entry: Preloaded = { key, connection, started };
    preloaded = entry;
    const forget = () => {
      if (preloaded !== entry) return;
      preloaded = undefined;
      void connection.terminate();
    };
    started.then(
      () => connection.setBusy(false),
      () => {
        connection.setBusy(false);
        forget();
      },
    );
    // A worker that dies while waiting is not handed to a load.
    void connection.crashed.then(forget);
    return started;
  };
}

/** Hands over the preloaded worker if it was started with these runtime options. */
export function takePreloadedWorker(request: RuntimeRequest): WorkerConnection | undefined {
  if (!preloaded || preloaded.key !== keyOf(request)) return undefined;
  const { connection } = preloaded;
  preloaded = undefined;
  return connection;
}
