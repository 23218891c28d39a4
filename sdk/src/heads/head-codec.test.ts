import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../artifacts/safetensors.ts';
import { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError } from '../errors.ts';
import { assertHeadMatches, decodeHead, encodeHead, HEAD_FORMAT, type HeadTarget } from './head-codec.ts';
import { AWKWARD_BITS, bitsOf, makeParameters } from './test-heads.ts';

const target: HeadTarget = {
  name: 'mnist-mlp',
  version: '1.0.0',
  head: {
    parameters: [
      { name: 'head.0.weight', shape: [4, 2] },
      { name: 'head.0.bias', shape: [2] },
    ],
  },
};

function thrownBy(action: () => unknown): EdgetuneError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(EdgetuneError);
    return error as EdgetuneError;
  }
  throw new Error('expected an error');
}

describe('encodeHead / decodeHead', () => {
  it('round-trips parameters bit-exactly, in order, with their info', () => {
    const parameters = makeParameters(3);
    const info = { model: 'mnist-mlp', version: '1.0.0', savedAt: '2025-01-01T00:00:00.000Z', steps: 40, samples: 12 };
    const decoded = decodeHead(encodeHead(parameters, info));

    expect([...decoded.parameters.keys()]).toEqual(['head.0.weight', 'head.0.bias']);
    const weight = decoded.parameters.get('head.0.weight')!;
    expect(weight.shape).toEqual([4, 2]);
    expect(bitsOf(weight.data)).toEqual(bitsOf(parameters.get('head.0.weight')!.data));
    expect(bitsOf(weight.data).slice(0, 7)).toEqual(AWKWARD_BITS.slice(0, 7)); // -0, subnormals, the extremes
    expect(bitsOf(decoded.parameters.get('head.0.bias')!.data)).toEqual([0x80000000, 0x40400000]);
    expect(decoded.info).toEqual({
      ...info,
      parameters: [
        { name: 'head.0.weight', shape: [4, 2] },
        { name: 'head.0.bias', shape: [2] },
      ],
    });
  });

  it('writes the same bytes for the same head and names the format in the metadata', () => {
    const bytes = encodeHead(makeParameters(), { model: 'mnist-cnn', version: '2.1.0' });
    expect(encodeHead(makeParameters(), { model: 'mnist-cnn', version: '2.1.0' })).toEqual(bytes);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(0, true)));
    expect(JSON.parse(header).__metadata__).toEqual({ format: HEAD_FORMAT, formatVersion: '1', model: 'mnist-cnn', version: '2.1.0' });
  });

  it('refuses to encode malformed parameters or info', () => {
    const info = { model: 'm', version: '1' };
    expect(() => encodeHead(new Map(), info)).toThrow(InputRangeError);
    expect(() => encodeHead(new Map([['w', { shape: [3], data: Float32Array.of(1, 2) }]]), info)).toThrow(/shape \[3\] does not hold 2 values/);
    expect(() => encodeHead(new Map([['w', { shape: [1], data: [1] as unknown as Float32Array }]]), info)).toThrow(InputTypeError);
    expect(() => encodeHead(makeParameters(), { model: '', version: '1' })).toThrow(/info\.model/);
    expect(() => encodeHead(makeParameters(), { ...info, steps: 1.5 })).toThrow(/info\.steps/);
  });

  it('reports bytes that are not a head as E_HEAD_INVALID', () => {
    const tensors = new Map([['w', { shape: [1], data: Float32Array.of(1) }]]);
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array([1, 2, 3]), /not a readable safetensors file/],
      [encodeSafetensors(tensors), /no "format"/],
      [encodeSafetensors(tensors, { format: 'other' }), /metadata\.format is "other"/],
      [encodeSafetensors(tensors, { format: HEAD_FORMAT, formatVersion: '2', model: 'm', version: '1' }), /format version "2" is not supported/],
      [encodeSafetensors(tensors, { format: HEAD_FORMAT, formatVersion: '1', version: '1' }), /metadata\.model is missing/],
      [encodeSafetensors(tensors, { format: HEAD_FORMAT, formatVersion: '1', model: 'm', version: '1', steps: '-3' }), /metadata\.steps/],
      [encodeSafetensors(new Map(), { format: HEAD_FORMAT, formatVersion: '1', model: 'm', version: '1' }), /holds no parameters/],
    ];
    for (const [bytes, message] of cases) {
      const error = thrownBy(() => decodeHead(bytes));
      expect(error.code).toBe(ErrorCodes.HEAD_INVALID);
      expect(error.message).toMatch(message);
    }
  });
});

describe('decodeHead on non-finite weights', () => {
  it.each([
    ['NaN', 0x7fc00000],
    ['NaN with a payload', 0x7fc00123],
    ['Infinity', 0x7f800000],
    ['-Infinity', 0xff800000],
  ])('refuses a head holding %s with E_HEAD_INVALID, naming the parameter', (_, bits) => {
    const parameters = makeParameters();
    const bias = parameters.get('head.0.bias')!.data;
    new Uint32Array(bias.buffer, bias.byteOffset, bias.length)[1] = bits;
    const error = thrownBy(() => decodeHead(encodeHead(parameters, { model: 'mnist-mlp', version: '1.0.0' })));
    expect(error.code).toBe(ErrorCodes.HEAD_INVALID);
    expect(error.message).toMatch(/parameter head\.0\.bias\[1\] is (NaN|-?Infinity); a head holds finite numbers only/);
  });
});

describe('assertHeadMatches', () => {
  const infoOf = (parameters = makeParameters(), model = 'mnist-mlp', version = '1.0.0') =>
    decodeHead(encodeHead(parameters, { model, version })).info;

  it('accepts a head saved for this model, version and layout', () => {
    expect(() => assertHeadMatches(infoOf(), target, 'alice')).not.toThrow();
  });

  it('names the model a head belongs to and what to do', () => {
    const error = thrownBy(() => assertHeadMatches(infoOf(), { ...target, name: 'mnist-cnn' }, 'x'));
    expect(error.code).toBe(ErrorCodes.HEAD_MISMATCH);
    expect(error.message).toBe(
      "head 'x' was saved for mnist-mlp 1.0.0; this classifier is mnist-cnn 1.0.0 — personalize again or load it into a mnist-mlp 1.0.0 classifier",
    );
  });

  it('refuses a head saved for another version of the same model as stale, naming repersonalize()', () => {
    const error = thrownBy(() => assertHeadMatches(infoOf(), { ...target, version: '1.1.0' }));
    expect(error.code).toBe(ErrorCodes.HEAD_STALE);
    expect(error.message).toMatch(/^this head was saved for mnist-mlp 1\.0\.0; this classifier is 1\.1\.0/);
    expect(thrownBy(() => assertHeadMatches(infoOf(), { ...target, version: '1.1.0' }, 'alice')).message).toMatch(/repersonalize\('alice'\) retrains it on 1\.1\.0/);
  });

  it('lists every parameter that is missing, extra or of another shape', () => {
    const parameters = new Map([
      ['head.0.weight', { shape: [2, 4], data: new Float32Array(8) }],
      ['head.1.bias', { shape: [2], data: new Float32Array(2) }],
    ]);
    const error = thrownBy(() => assertHeadMatches(infoOf(parameters), target, 'x'));
    expect(error.code).toBe(ErrorCodes.HEAD_MISMATCH);
    expect(error.message).toBe(
      "head 'x' does not fit mnist-mlp 1.0.0: head.0.weight is [2,4], expected [4,2]; head.0.bias is missing;" +
        ' head.1.bias is not a parameter of this classifier — it was damaged or written for another architecture; personalize again',
    );
  });
});
