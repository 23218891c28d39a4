import { describe, expect, it } from 'vitest';
import { toModelBatch, toModelInput, type ClassifierInput } from './to-model-input.ts';

/** Calls `run` and returns what it threw, failing the test if it returned. */
function thrownBy(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

function expectInputTypeError(run: () => unknown, argumentName: string): Error {
  const error = thrownBy(run);
  expect(error).toBeInstanceOf(TypeError);
  expect(error.code).toBe('E_INPUT_TYPE');
  expect(error.message).toContain(argumentName);
  return error;
}

function expectInputRangeError(run: () => unknown, argumentName: string): Error {
  const error = thrownBy(run);
  expect(error).toBeInstanceOf(RangeError);
  expect(error.code).toBe('E_INPUT_RANGE');
  expect(error.message).toContain(argumentName);
  return error;
}

/** A ramp over 28x28 so that every pixel differs. */
function ramp(): Float32Array {
  return Float32Array.from({ length: 784 }, (_, i) => i / 783);
}

/** A white 28x28 image with a dark 8x12 bar, as `channels` values per pixel (uint8). */
function barImage(channels: 1 | 3 | 4): Uint8Array {
  const data = new Uint8Array(28 * 28 * channels).fill(255);
  for (let y = 8; y < 20; y++) {
    for (let x = 10; x < 18; x++) data.fill(30, (y * 28 + x) * channels, (y * 28 + x) * channels + Math.min(channels, 3));
  }
  return data;
}

/** Asks the type checker to let a deliberately wrong value through. */
const untyped = (value: unknown) => value as ClassifierInput;

describe('toModelInput on 28x28 arrays', () => {
  it('copies a normalized Float32Array exactly, without aliasing it', () => {
    const input = ramp();
    const output = toModelInput(input);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect(output.buffer).not.toBe(input.buffer);
  });

  it('clamps float rounding just outside [0,1]', () => {
    const input = ramp();
    input[0] = -1e-7;
    input[783] = 1 + 1e-7;
    const output = toModelInput(input);
    expect(output[0]).toBe(0);
    expect(output[783]).toBe(1);
  });

  it('accepts the edges of [0,1] as they are: 0, -0, the smallest subnormal and exactly 1', () => {
    const input = ramp();
    input[0] = 0;
    input[1] = -0;
    input[2] = 1.4e-45;
    input[783] = 1;
    const output = toModelInput(input);
    expect(output[0]).toBe(0);
    expect(Math.abs(output[1]!)).toBe(0);
    expect(output[2]).toBeGreaterThan(0);
    expect(output[783]).toBe(1);
  });

  it('rejects a NaN of either sign in any position of the range check’s eight lanes', () => {
    const negativeNaN = new Float32Array(new Uint32Array([0xffc00000]).buffer)[0]!;
    for (const index of [0, 3, 7, 776, 783]) {
      for (const nan of [Number.NaN, negativeNaN]) {
        const input = ramp();
        input[index] = nan;
        expectInputRangeError(() => toModelBatch([ramp(), input]), `inputs[1][${index}]`);
      }
    }
  });

  it('scales Uint8Array and Uint8ClampedArray by 1/255 exactly, with no inversion', () => {
    const bytes = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
    const expected = Float32Array.from(bytes, (value) => value / 255);
    expect(toModelInput(bytes)).toEqual(expected);
    expect(toModelInput(new Uint8ClampedArray(bytes))).toEqual(expected);
  });
});

describe('toModelInput on image-like objects', () => {
  it('accepts 1-, 3- and 4-channel images with the same result', () => {
    const gray = toModelInput({ data: barImage(1), width: 28, height: 28 });
    const rgb = toModelInput({ data: barImage(3), width: 28, height: 28 });
    const rgba = toModelInput({ data: barImage(4), width: 28, height: 28 });
    expect(Math.max(...gray)).toBeCloseTo(1, 5);
    expect(rgb).toEqual(gray);
    expect(rgba).toEqual(gray);
  });

  it('uses a declared channel count', () => {
    const data = barImage(3);
    expect(toModelInput({ data, width: 28, height: 28, channels: 3 })).toEqual(
      toModelInput({ data, width: 28, height: 28 }),
    );
  });

  it('reads float32 channel data as [0,1]', () => {
    const bytes = barImage(1);
    const floats = Float32Array.from(bytes, (value) => value / 255);
    const fromFloats = toModelInput({ data: floats, width: 28, height: 28 });
    const fromBytes = toModelInput({ data: bytes, width: 28, height: 28 });
    for (let i = 0; i < 784; i++) expect(fromFloats[i]).toBeCloseTo(fromBytes[i]!, 5);
  });

  it('lays out an 8x12 bar as a 13x20 bar centred in the frame', () => {
    const output = toModelInput({ data: barImage(1), width: 28, height: 28 });
    const inked = [...output.keys()].filter((i) => output[i]! > 0.5);
    const columns = inked.map((i) => i % 28);
    const rows = inked.map((i) => Math.floor(i / 28));
    expect(Math.max(...rows) - Math.min(...rows) + 1).toBe(20);
    expect(Math.max(...columns) - Math.min(...columns) + 1).toBe(13);
    // Centre of mass (6, 9.5) within the bar; shifts round(14 - 6) = 8 and round(14 - 9.5) = 5.
    expect(Math.min(...columns)).toBe(8);
    expect(Math.min(...rows)).toBe(5);
  });

  it('treats a duck-typed ImageData with prototype getters like a plain object', () => {
    class FakeImageData {
      readonly #data = barImage(4);
      get data() {
        return new Uint8ClampedArray(this.#data);
      }
      get width() {
        return 28;
      }
      get height() {
        return 28;
      }
    }
    expect(toModelInput(new FakeImageData())).toEqual(toModelInput({ data: barImage(4), width: 28, height: 28 }));
  });
});

describe('toModelInput errors', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 7],
    ['a string', 'digit.png'],
    ['a plain array', Array.from({ length: 784 }, () => 0)],
    ['an Int16Array', new Int16Array(784)],
    ['an ArrayBuffer', new ArrayBuffer(784)],
    ['an object without data', { width: 28, height: 28 }],
  ])('rejects %s with a TypeError listing the accepted forms', (_, value) => {
    const error = expectInputTypeError(() => toModelInput(untyped(value)), 'input');
    expect(error.message).toContain('Float32Array(784)');
    expect(error.message).toContain('{ data, width, height, channels? }');
  });

  it('tells a Float64Array caller to convert to Float32Array', () => {
    const error = expectInputTypeError(() => toModelInput(untyped(new Float64Array(784))), 'input');
    expect(error.message).toContain('convert to Float32Array');
  });

  it('uses the argument name it is given', () => {
    expectInputTypeError(() => toModelInput(untyped(null), 'sample'), 'sample must be');
  });

  it.each([
    ['a Float32Array', new Float32Array(783)],
    ['a Uint8Array', new Uint8Array(785)],
    ['a Uint8ClampedArray', new Uint8ClampedArray(28 * 28 * 4)],
  ])('rejects %s that is not 784 long with a RangeError', (_, value) => {
    const error = expectInputRangeError(() => toModelInput(value), 'input');
    expect(error.message).toContain('784');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a value above 1', 1.01],
    ['a negative value', -0.5],
    ['a 0..255 value', 255],
  ])('rejects %s in a Float32Array, naming its index', (_, bad) => {
    const input = ramp();
    input[123] = bad;
    input[456] = bad;
    expectInputRangeError(() => toModelInput(input), 'input[123]');
  });

  it('rejects NaN in float image data, naming its index', () => {
    const data = new Float32Array(10 * 10 * 3).fill(1);
    data[42] = Number.NaN;
    expectInputRangeError(() => toModelInput({ data, width: 10, height: 10 }), 'input.data[42]');
  });

  it.each([
    ['width', { width: 0, height: 28 }],
    ['width', { width: 27.5, height: 28 }],
    ['height', { width: 28, height: -28 }],
    ['height', { width: 28, height: Number.NaN }],
  ])('rejects a %s that is not a positive integer with a RangeError', (field, size) => {
    expectInputRangeError(() => toModelInput({ data: new Uint8Array(784), ...size }), `input.${field}`);
  });

  it('rejects a width that is not a number with a TypeError', () => {
    expectInputTypeError(() => toModelInput(untyped({ data: new Uint8Array(784), width: '28', height: 28 })), 'input.width');
  });

  it('rejects image data of an unsupported type with a TypeError', () => {
    expectInputTypeError(() => toModelInput(untyped({ data: [0, 0, 0], width: 1, height: 1 })), 'input.data');
    expectInputTypeError(() => toModelInput(untyped({ data: new Int16Array(4), width: 2, height: 2 })), 'input.data');
  });

  it('rejects a data length that is not width*height*channels', () => {
    expectInputRangeError(() => toModelInput({ data: new Uint8Array(28 * 28 * 2), width: 28, height: 28 }), 'input.data');
    expectInputRangeError(() => toModelInput({ data: new Uint8Array(100), width: 28, height: 28 }), 'input.data');
    expectInputRangeError(
      () => toModelInput({ data: new Uint8Array(28 * 28 * 4), width: 28, height: 28, channels: 3 }),
      'input.data',
    );
  });

  it('rejects a channel count other than 1, 3 or 4', () => {
    const image = untyped({ data: new Uint8Array(28 * 28 * 2), width: 28, height: 28, channels: 2 });
    expectInputRangeError(() => toModelInput(image), 'input.channels');
  });

  it.each([
    ['all white', 255],
    ['all black', 0],
    ['uniform gray', 128],
  ])('rejects an image with no ink (%s)', (_, shade) => {
    const data = new Uint8ClampedArray(50 * 40 * 4).fill(shade);
    data.forEach((_, i) => i % 4 === 3 && (data[i] = 255));
    const error = expectInputRangeError(() => toModelInput({ data, width: 50, height: 40 }), 'input');
    expect(error.message).toBe('input contains no ink (the image is blank)');
  });

  it('rejects a fully transparent canvas as blank', () => {
    const data = new Uint8ClampedArray(50 * 40 * 4);
    expectInputRangeError(() => toModelInput({ data, width: 50, height: 40 }), 'no ink');
  });
});

describe('an input with no ink is refused in every form', () => {
  it.each([
    ['a zero Float32Array', () => new Float32Array(784)],
    ['a white Float32Array', () => new Float32Array(784).fill(1)],
    ['a uniform gray Float32Array', () => new Float32Array(784).fill(0.3)],
    ['a Float32Array whose pixels differ by under 5%', () => Float32Array.from({ length: 784 }, (_, i) => 0.2 + (i % 2) * 0.04)],
    ['a Float32Array with float rounding just outside [0,1]', () => new Float32Array(784).fill(-1e-7)],
    ['a zero Uint8Array', () => new Uint8Array(784)],
    ['a white Uint8Array', () => new Uint8Array(784).fill(255)],
    ['a Uint8ClampedArray whose pixels differ by 12 of 255', () => Uint8ClampedArray.from({ length: 784 }, (_, i) => 100 + (i % 2) * 12)],
    ['a blank 28x28 ImageData-like', () => ({ data: new Uint8ClampedArray(784 * 4).fill(255), width: 28, height: 28 })],
  ])('%s', (_, make) => {
    const error = expectInputRangeError(() => toModelInput(make()), 'input');
    expect(error.message).toBe('input contains no ink (the image is blank)');
    expectInputRangeError(() => toModelBatch([ramp(), make()]), 'inputs[1] contains no ink');
  });

  it('accepts a faint but real stroke: 13 of 255 above the background', () => {
    const faint = new Uint8Array(784);
    faint.fill(13, 300, 320);
    expect(toModelInput(faint)[310]).toBeCloseTo(13 / 255, 7);
    const faintFloat = new Float32Array(784);
    faintFloat.fill(0.06, 300, 320);
    expect(toModelInput(faintFloat)[310]).toBeCloseTo(0.06, 7);
  });
});

describe('toModelBatch', () => {
  it('concatenates the normalized images in order', () => {
    const first = ramp();
    const second = Uint8Array.from({ length: 784 }, (_, i) => (i * 7) % 256);
    const batch = toModelBatch([first, second]);
    expect(batch).toHaveLength(2 * 784);
    expect(batch.subarray(0, 784)).toEqual(toModelInput(first));
    expect(batch.subarray(784)).toEqual(toModelInput(second));
  });

  it('names the failing element', () => {
    const bad = ramp();
    bad[5] = Number.NaN;
    expectInputRangeError(() => toModelBatch([ramp(), ramp(), ramp(), bad]), 'inputs[3][5]');
    expectInputTypeError(() => toModelBatch([ramp(), untyped(null)]), 'inputs[1]');
    expectInputRangeError(
      () => toModelBatch([ramp(), { data: new Uint8Array(28 * 28), width: 28, height: 28 }]),
      'inputs[1] contains no ink',
    );
  });

  it('rejects an empty array with a RangeError', () => {
    expectInputRangeError(() => toModelBatch([]), 'inputs');
  });

  it('rejects a non-array with a TypeError', () => {
    expectInputTypeError(() => toModelBatch(untyped(ramp()) as unknown as ClassifierInput[]), 'inputs');
    expectInputTypeError(() => toModelBatch(null as unknown as ClassifierInput[], 'images'), 'images');
  });
});
