import { EdgetuneError, ErrorCodes } from '../errors.ts';

/** Why a worker call failed without an answer from the worker, worded once for both builds. */

export function messageLostError(): EdgetuneError {
  return new EdgetuneError(
    ErrorCodes.WORKER_MESSAGE,
    'a message between this thread and the model worker could not be read (structured clone failed, e.g. data nested too deeply), ' +
      'so the calls waiting for an answer failed; pass plain, shallow data and retry.',
  );
}

export function stoppedError(): EdgetuneError {
  return new EdgetuneError(ErrorCodes.DISPOSED, 'this classifier was disposed before the call finished; call loadClassifier() again');
}
