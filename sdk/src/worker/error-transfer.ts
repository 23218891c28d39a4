import { transferHandlers, type TransferHandler } from 'comlink';
import { EdgetuneError, InputRangeError, InputTypeError, isErrorCode } from '../errors.ts';

interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SerializedError;
}

interface ThrownValue {
  isError: boolean;
  value: unknown;
}

function serialize(error: Error, depth = 0): SerializedError {
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error && depth < 3 ? serialize(error.cause, depth + 1) : undefined;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
    ...(cause ? { cause } : {}),
  };
}

/** Rebuilds the error class the caller can test against: TypeError, RangeError or EdgetuneError, code intact. */
export function deserializeError(data: SerializedError): Error {
  const options = data.cause ? { cause: deserializeError(data.cause) } : undefined;
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

let installed = false;

/**
 * Comlink's stock handler sends only name, message and stack of a thrown error; this one also
 * carries `code` and `cause`, so `err.code` reads the same on both sides of the worker boundary.
 * Installed on both sides.
 */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const stock = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, ThrownValue>;
  const handler: TransferHandler<{ value: unknown }, ThrownValue> = {
    canHandle: (value): value is { value: unknown } => stock.canHandle(value),
    serialize: (thrown) =>
      thrown.value instanceof Error ? [{ isError: true, value: serialize(thrown.value) }, []] : stock.serialize(thrown),
    deserialize: (data) => {
      if (data.isError) throw deserializeError(data.value as SerializedError);
      throw data.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
