import { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError, isErrorCode, type ErrorCode } from './errors.ts';

/*
 * How an error travels: as a WireError across the worker boundary (postMessage), and as an
 * ErrorBody over HTTP. Both rebuild the class a caller tests against, with its code intact.
 */

/** An error as plain data, for postMessage. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  readonly cause?: WireError;
}

/** The edge's JSON error: `{ "error": { "code", "message" } }`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** Causes deeper than this are dropped: a chain is for reading, and a cyclic one must end. */
const MAX_CAUSE_DEPTH = 3;

export function toWireError(error: Error, depth = 0): WireError {
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error && depth < MAX_CAUSE_DEPTH ? toWireError(error.cause, depth + 1) : undefined;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
    ...(cause ? { cause } : {}),
  };
}

/** Rebuilds the error class the caller can test against: TypeError, RangeError or EdgetuneError, code intact. */
export function fromWireError(data: WireError): Error {
  const options = data.cause ? { cause: fromWireError(data.cause) } : undefined;
  let error: Error;
  if (data.name === 'TypeError') error = data.code ? new InputTypeError(data.message, options) : new TypeError(data.message, options);
  else if (data.name === 'RangeError') error = data.code ? new InputRangeError(data.message, options) : new RangeError(data.message, options);
  else if (isErrorCode(data.code)) {
    error = new EdgetuneError(data.code, data.message, options);
    if (data.name !== 'Error') error.name = data.name;
  } else {
    error = new Error(data.message, options);
    error.name = data.name;
    // A code that is not the SDK's (e.g. a system error's 'ENOENT') stays readable, but untyped.
    if (data.code) Object.assign(error, { code: data.code });
  }
  if (data.stack) error.stack = data.stack;
  return error;
}

export function toErrorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * The error an HTTP answer stands for: the body's code when this SDK knows it, else `fallback`
 * (what the status means), so a newer server's codes still arrive as a coded error.
 */
export function fromErrorBody(body: unknown, fallback: ErrorCode, fallbackMessage: string): Error {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null | undefined)?.error;
  const code = isErrorCode(error?.code) ? error.code : fallback;
  const message = typeof error?.message === 'string' ? error.message : fallbackMessage;
  if (code === ErrorCodes.INPUT_TYPE) return new InputTypeError(message);
  if (code === ErrorCodes.INPUT_RANGE) return new InputRangeError(message);
  return new EdgetuneError(code, message);
}
