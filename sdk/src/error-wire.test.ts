import { describe, expect, it } from 'vitest';
import { fromErrorBody, fromWireError, toErrorBody, toWireError } from './error-wire.ts';
import { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError } from './errors.ts';

describe('errors on the wire', () => {
  it('rebuilds the class and code of an error sent through postMessage, cause included', () => {
    const sent = new EdgetuneError(ErrorCodes.INTEGRITY, 'model.onnx differs', { cause: new InputRangeError('bytes') });
    const received = fromWireError(structuredClone(toWireError(sent)));
    expect(received).toBeInstanceOf(EdgetuneError);
    expect(received).toMatchObject({ code: 'E_INTEGRITY', message: 'model.onnx differs' });
    expect(received.cause).toBeInstanceOf(RangeError);
    expect((received.cause as InputRangeError).code).toBe('E_INPUT_RANGE');
  });

  it('keeps a foreign code readable on a plain Error and ends a cyclic cause chain', () => {
    const looped = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    looped.cause = looped;
    const received = fromWireError(structuredClone(toWireError(looped)));
    expect(received).not.toBeInstanceOf(EdgetuneError);
    expect((received as { code?: string }).code).toBe('ENOENT');
  });

  it('turns an HTTP error body into the same classes the local classifier throws', () => {
    expect(fromErrorBody(toErrorBody(ErrorCodes.INPUT_TYPE, 'a number'), ErrorCodes.FETCH_FAILED, 'x')).toBeInstanceOf(InputTypeError);
    expect(fromErrorBody(toErrorBody(ErrorCodes.NOT_FOUND, 'no model'), ErrorCodes.FETCH_FAILED, 'x')).toMatchObject({ code: 'E_NOT_FOUND', message: 'no model' });
  });

  it('falls back to the status meaning for a body without a code this SDK knows', () => {
    for (const body of [undefined, null, 'text', { error: { code: 'E_FROM_THE_FUTURE', message: 7 } }]) {
      const error = fromErrorBody(body, ErrorCodes.FETCH_FAILED, 'POST answered HTTP 502.');
      expect(error).toMatchObject({ code: 'E_FETCH_FAILED', message: 'POST answered HTTP 502.' });
    }
  });
});
