import { EdgetuneError, ErrorCodes, InputTypeError } from '../errors.ts';
import { BACKEND_REQUESTS, type BackendRequest } from './ort-types.ts';

export function assertBackendRequest(value: unknown): asserts value is BackendRequest {
  if (!BACKEND_REQUESTS.includes(value as BackendRequest)) {
    throw new InputTypeError(`options.backend: unsupported backend ${JSON.stringify(value)}. Should be one of: ${BACKEND_REQUESTS.join(', ')}`);
  }
}

/** Asked-for backends are never silently replaced: the error lists what would work here. */
export function backendUnavailable(request: BackendRequest, available: readonly string[], why: string): EdgetuneError {
  return new EdgetuneError(
    ErrorCodes.BACKEND_UNAVAILABLE,
    `Backend "${request}" is not available ${why}. Available here: ${available.join(', ')} (or "auto").`,
  );
}
