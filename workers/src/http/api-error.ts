import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorCodes, errorCodeOf, InputRangeError, InputTypeError, type ErrorCode } from '../../../sdk/src/errors.ts';

/** A failure with its HTTP status and the SDK's error code; sent as `{ error: { code, message } }`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function notFound(message: string): ApiError {
  return new ApiError(404, ErrorCodes.NOT_FOUND, message);
}

/** Maps any thrown value to a status, code and message; only unexpected faults become a 500. */
export function describeFailure(error: unknown): { status: ContentfulStatusCode; code: ErrorCode; message: string } {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message };
  // The SDK's own input checks (shared preprocessing) name the bad argument.
  if (error instanceof InputTypeError || error instanceof InputRangeError) {
    return { status: 400, code: error.code, message: error.message };
  }
  const code = errorCodeOf(error);
  return {
    status: 500,
    code: code === ErrorCodes.INTEGRITY ? code : ErrorCodes.RUNTIME,
    message: `The edge failed while answering: ${(error as Error)?.message ?? String(error)}. Retry; if it persists, report it.`,
  };
}
