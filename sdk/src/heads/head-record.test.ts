import { describe, expect, it } from 'vitest';
import { ErrorCodes, InputRangeError, InputTypeError } from '../errors.ts';
import { summarizeHead, validateHeadKey, validateHeadRecord } from './head-record.ts';
import { makeRecord } from './test-heads.ts';

describe('validateHeadKey', () => {
  it('accepts 1 to 128 characters without control characters', () => {
    for (const key of ['a', 'user 42 / digits', 'x'.repeat(128), 'émoji 😀', '\u2028 separators are not controls']) {
      expect(validateHeadKey(key)).toBe(key);
    }
  });

  it('rejects non-strings with an InputTypeError naming key', () => {
    for (const key of [undefined, null, 42, ['a'], new String('a')]) {
      expect(() => validateHeadKey(key)).toThrow(InputTypeError);
      expect(() => validateHeadKey(key)).toThrow(/^key must be a string/);
    }
  });

  it('rejects empty, over-long, control-character and malformed keys with an InputRangeError', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /key must be 1 to 128 characters long, got 0/],
      ['x'.repeat(129), /got 129/],
      ['tab\there', /U\+0009 at index 3/],
      ['nul\0', /U\+0000/],
      ['del\u007f', /U\+007F/],
      ['c1\u0085', /U\+0085/],
      ['lone \ud800 high', /lone surrogate at index 5/],
      ['\udc00 low', /lone surrogate at index 0/],
    ];
    for (const [key, message] of cases) {
      let thrown: unknown;
      try {
        validateHeadKey(key);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(key)).toBeInstanceOf(InputRangeError);
      expect((thrown as InputRangeError).code).toBe(ErrorCodes.INPUT_RANGE);
      expect((thrown as Error).message).toMatch(message);
    }
  });
});

describe('validateHeadRecord', () => {
  it('keeps only the known fields', () => {
    const record = { ...makeRecord('k'), extra: 'dropped' };
    expect(Object.keys(validateHeadRecord(record)).sort()).toEqual(['bytes', 'key', 'model', 'samples', 'savedAt', 'steps', 'version']);
  });

  it('names the bad field', () => {
    expect(() => validateHeadRecord(null)).toThrow(/^record must be an object/);
    expect(() => validateHeadRecord({ ...makeRecord('k'), version: 1 })).toThrow(/^record\.version must be a string/);
    expect(() => validateHeadRecord({ ...makeRecord('k'), savedAt: '2025-01-01' })).toThrow(/^record\.savedAt must be an ISO 8601 timestamp/);
    expect(() => validateHeadRecord({ ...makeRecord('k'), samples: 1.5 })).toThrow(/^record\.samples must be a non-negative integer/);
    expect(() => validateHeadRecord({ ...makeRecord('k'), bytes: new Uint8Array(0) })).toThrow(/^record\.bytes must not be empty/);
  });

  it('summarizes a record without its bytes', () => {
    const record = makeRecord('k');
    expect(summarizeHead(record)).toEqual({ key: 'k', model: 'mnist-mlp', version: '1.0.0', savedAt: record.savedAt, steps: 20, samples: 8, byteLength: record.bytes.length });
  });
});
