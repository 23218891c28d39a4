/**
 * Every default the SDK applies on its own, in one table (the README's "Defaults" lists the same,
 * checked by test/defaults-docs.test.ts). Plain values only: this module is in both builds.
 */
export const DEFAULTS = {
  /** Node: where verified model files are cached, unless EDGETUNE_CACHE_DIR is set (under the home directory). */
  nodeCacheDirectory: ['.cache', 'edgetune'],
  /** Node: where saveHead() keeps heads, unless EDGETUNE_HEADS_DIR is set (under the home directory). */
  nodeHeadsDirectory: ['.local', 'share', 'edgetune', 'heads'],
  /** Browser: the Cache API cache holding verified model files and manifests. */
  browserCacheName: 'edgetune-v1',
  /** Browser: the Cache API cache holding ONNX Runtime's verified wasm. */
  browserRuntimeCacheName: 'edgetune-runtime-v1',
  /** Browser: the IndexedDB database holding saved heads. */
  browserHeadsDatabase: 'edgetune-heads',
  /** Browser WASM threads on a crossOriginIsolated page: half the cores, at most this many (1 elsewhere). */
  browserMaxThreads: 4,
  /** How long a download may make no progress (no response, no next chunk) before it fails: options.networkTimeoutMs. */
  networkTimeoutMs: 30_000,
  /** How long ONNX Runtime may take to start once its wasm is in memory before the load fails as stalled. */
  runtimeStartTimeoutMs: 20_000,
  /** Ranked labels in a prediction's `top`: options.topK. */
  topK: 3,
  /** How long a classifier's claim on its cached files outlives it when it ends without dispose() (a closed tab): 24 h. */
  cacheLeaseMs: 86_400_000,
  /** Samples saveHead(key, { keepSamples: true }) keeps with a head, the most recent ones (784 bytes each). */
  maxKeptSamples: 1000,
} as const;

/** The environment variables the Node build reads. */
export const ENVIRONMENT = {
  cacheDirectory: 'EDGETUNE_CACHE_DIR',
  headsDirectory: 'EDGETUNE_HEADS_DIR',
} as const;
