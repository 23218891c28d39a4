/**
 * Every failure the SDK reports carries a stable `code`. Codes survive the worker boundary
 * (see worker/error-transfer.ts) and the HTTP boundary ({ error: { code, message } }).
 * Each code's comment is its one-line meaning; README.md repeats them (test/error-codes.test.ts).
 */
export const ErrorCodes = {
  /** An argument has the wrong type (a TypeError naming it). */
  INPUT_TYPE: 'E_INPUT_TYPE',
  /** An argument has the right type but a wrong size or value (a RangeError naming it). */
  INPUT_RANGE: 'E_INPUT_RANGE',
  /** manifest.json is not a valid edgetune manifest; the message names the field. */
  MANIFEST_INVALID: 'E_MANIFEST_INVALID',
  /** A checkpoint's head.safetensors is not a readable safetensors file. */
  SAFETENSORS_INVALID: 'E_SAFETENSORS_INVALID',
  /** A downloaded file's sha256 or size differs from the manifest. */
  INTEGRITY: 'E_INTEGRITY',
  /** A manifest or file could not be fetched or read (HTTP status, network down, missing file). */
  FETCH_FAILED: 'E_FETCH_FAILED',
  /** The backend asked for by name is not available here. */
  BACKEND_UNAVAILABLE: 'E_BACKEND_UNAVAILABLE',
  /** ONNX Runtime refused the model or failed while running it. */
  RUNTIME: 'E_RUNTIME',
  /** The classifier was disposed; load a new one. */
  DISPOSED: 'E_DISPOSED',
  /** The worker hosting the model stopped unexpectedly; the next call restarts it. */
  WORKER_CRASHED: 'E_WORKER_CRASHED',
  /** A message to or from the worker could not be deserialized (e.g. nested too deeply); the pending calls failed. */
  WORKER_MESSAGE: 'E_WORKER_MESSAGE',
  /** The caller's AbortSignal fired. */
  ABORTED: 'E_ABORTED',
  /** The model cache failed or held a damaged copy; loading went on without it (a warning, not thrown). */
  CACHE: 'E_CACHE',
  /** Personalization hit a NaN/Inf or exploding loss; the head was rolled back. */
  TRAINING_DIVERGED: 'E_TRAINING_DIVERGED',
  /** A stored or imported head is not valid head data. */
  HEAD_INVALID: 'E_HEAD_INVALID',
  /** A head belongs to another model or head shape (another version of the same model: E_HEAD_STALE). */
  HEAD_MISMATCH: 'E_HEAD_MISMATCH',
  /** The head store (IndexedDB, directory) failed. */
  HEAD_STORAGE: 'E_HEAD_STORAGE',
  /** No head is stored under that key. */
  HEAD_NOT_FOUND: 'E_HEAD_NOT_FOUND',
  /** A head was saved for another version of this model; repersonalize(key) retrains it on this one from its kept samples. */
  HEAD_STALE: 'E_HEAD_STALE',
  /** A head was saved without its samples, so it cannot be re-personalized; personalize again. */
  HEAD_NO_SAMPLES: 'E_HEAD_NO_SAMPLES',
  /** The model version was withdrawn by its publisher; the edge names the version that replaces it (HTTP 410). */
  VERSION_WITHDRAWN: 'E_VERSION_WITHDRAWN',
  /** The edge has no such model, version, file or route (HTTP 404). */
  NOT_FOUND: 'E_NOT_FOUND',
  /** The edge refused the key: missing, unknown or revoked app key, or a wrong admin key (HTTP 401). */
  UNAUTHORIZED: 'E_UNAUTHORIZED',
  /** Too many requests for this key; retry after the Retry-After seconds (HTTP 429). */
  RATE_LIMITED: 'E_RATE_LIMITED',
  /** A sample id is already stored with different content; send it under a fresh id. */
  SAMPLE_CONFLICT: 'E_SAMPLE_CONFLICT',
  /** The sample upload queue is full; flush() it (or raise maxQueued) before adding more. */
  QUEUE_FULL: 'E_QUEUE_FULL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

export class EdgetuneError extends Error {
  override name = 'EdgetuneError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A TypeError naming the bad argument, with code E_INPUT_TYPE. */
export class InputTypeError extends TypeError {
  override name = 'TypeError';
  readonly code = ErrorCodes.INPUT_TYPE;
}

/** A RangeError naming the bad argument, with code E_INPUT_RANGE. */
export class InputRangeError extends RangeError {
  override name = 'RangeError';
  readonly code = ErrorCodes.INPUT_RANGE;
}

/** The SDK's code of any thrown value, or undefined when it carries none (e.g. a bug in a callback). */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : undefined;
}

/**
 * True for every failure the SDK reports: EdgetuneError, and the TypeError/RangeError subclasses
 * it throws for bad arguments. Narrows `e.code` to ErrorCode.
 */
export function isEdgetuneError(error: unknown): error is Error & { readonly code: ErrorCode } {
  return error instanceof Error && isErrorCode((error as { code?: unknown }).code);
}
