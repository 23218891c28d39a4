/**
 * Recognizes which accepted form a classifier input has and validates it, so the
 * converters after it can trust sizes and ranges. Every error names the argument.
 */
import { InputRangeError, InputTypeError } from '../errors.ts';
import { MODEL_PIXEL_COUNT, type ImagePixels } from './classifier-input.ts';

/** An image-like input whose fields have been checked against each other. */
export interface CheckedImage {
  readonly data: ImagePixels;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  /** The value of full intensity: 1 for float32 data, 255 for uint8. */
  readonly fullScale: 1 | 255;
}

export type ReadInput =
  | { readonly kind: 'normalized'; readonly pixels: Float32Array }
  | { readonly kind: 'bytes'; readonly pixels: Uint8Array | Uint8ClampedArray }
  | { readonly kind: 'image'; readonly image: CheckedImage };

/** Float32 rounding may push a computed 1 or 0 just past the bound; that is not a caller error. */
export const UNIT_RANGE_EPSILON = 1e-6;

const ACCEPTED_FORMS =
  'a Float32Array(784) of values in [0,1], a Uint8Array(784) or Uint8ClampedArray(784) of 0..255, ' +
  'or an ImageData-like { data, width, height, channels? }';

/**
 * The typed array's class name, read from its tag rather than `instanceof`, so arrays
 * made in another realm (iframe, vm context) are recognized too.
 */
function typedArrayName(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  return Object.prototype.toString.call(value).slice('[object '.length, -1);
}

function isFloat32Array(value: unknown): value is Float32Array {
  return typedArrayName(value) === 'Float32Array';
}

function isByteArray(value: unknown): value is Uint8Array | Uint8ClampedArray {
  const name = typedArrayName(value);
  return name === 'Uint8Array' || name === 'Uint8ClampedArray';
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `a plain array of length ${value.length}`;
  const typedName = typedArrayName(value);
  if (typedName !== undefined) {
    const length = (value as Partial<ArrayLike<unknown>>).length;
    return length === undefined ? `a ${typedName}` : `a ${typedName} of length ${length}`;
  }
  if (typeof value === 'object') {
    const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof constructorName === 'string' && constructorName !== 'Object' ? `a ${constructorName}` : 'an object';
  }
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** What to do instead, for the wrong types callers most plausibly pass. */
function conversionHint(value: unknown): string {
  if (Array.isArray(value)) return '; wrap it: new Float32Array(values) for [0,1], new Uint8Array(values) for 0..255';
  const typedName = typedArrayName(value);
  if (typedName === 'Float64Array') return '; convert to Float32Array (Float32Array.from(values))';
  if (typedName !== undefined) return '; convert to Float32Array (values in [0,1]) or Uint8Array (0..255)';
  if (value instanceof ArrayBuffer) return '; wrap it in a Uint8Array or Float32Array view';
  if (typeof value === 'object' && value !== null) {
    return '; for a canvas, image or bitmap pass context.getImageData(0, 0, width, height)';
  }
  return '';
}

function typeError(argumentName: string, value: unknown): InputTypeError {
  return new InputTypeError(`${argumentName} must be ${ACCEPTED_FORMS}; got ${describe(value)}${conversionHint(value)}`);
}

/** Throws naming `where[i]` at the first value outside [0,1] (NaN and Infinity included). */
export function assertUnitRange(values: Float32Array, where: string): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    // Written so NaN fails: every comparison with NaN is false.
    if (!(value >= -UNIT_RANGE_EPSILON && value <= 1 + UNIT_RANGE_EPSILON)) {
      throw new InputRangeError(
        `${where}[${i}] is ${value}; float32 pixels must be in [0,1] (for 0..255 values use a Uint8Array)`,
      );
    }
  }
}

function assertModelSized(pixels: ArrayLike<number>, argumentName: string, typeName: string): void {
  if (pixels.length !== MODEL_PIXEL_COUNT) {
    throw new InputRangeError(
      `${argumentName} is a ${typeName} of length ${pixels.length}; expected 28x28 = ${MODEL_PIXEL_COUNT} values ` +
        '(for other sizes pass { data, width, height })',
    );
  }
}

function readDimension(image: Record<string, unknown>, field: 'width' | 'height', argumentName: string): number {
  const value = image[field];
  if (typeof value !== 'number') {
    throw new InputTypeError(`${argumentName}.${field} must be a positive integer; got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value <= 0) {
    throw new InputRangeError(`${argumentName}.${field} must be a positive integer; got ${value}`);
  }
  return value;
}

function readChannels(image: Record<string, unknown>, pixelCount: number, dataLength: number, argumentName: string) {
  const declared = image['channels'];
  if (declared === undefined) {
    const perPixel = dataLength / pixelCount;
    if (perPixel === 1 || perPixel === 3 || perPixel === 4) return perPixel;
    throw new InputRangeError(
      `${argumentName}.data has ${dataLength} values for ${pixelCount} pixels (width*height); ` +
        'expected 1, 3 or 4 values per pixel (gray, RGB or RGBA)',
    );
  }
  if (declared !== 1 && declared !== 3 && declared !== 4) {
    const problem = `${argumentName}.channels must be 1, 3 or 4; got ${describe(declared)}`;
    throw typeof declared === 'number' ? new InputRangeError(problem) : new InputTypeError(problem);
  }
  if (dataLength !== pixelCount * declared) {
    throw new InputRangeError(
      `${argumentName}.data has ${dataLength} values; expected width*height*channels = ${pixelCount * declared}`,
    );
  }
  return declared;
}

function readImage(image: Record<string, unknown>, argumentName: string): CheckedImage {
  const data = image['data'];
  if (!isFloat32Array(data) && !isByteArray(data)) {
    throw new InputTypeError(
      `${argumentName}.data must be a Uint8ClampedArray, Uint8Array or Float32Array; got ${describe(data)}` +
        conversionHint(data),
    );
  }
  const width = readDimension(image, 'width', argumentName);
  const height = readDimension(image, 'height', argumentName);
  const channels = readChannels(image, width * height, data.length, argumentName);
  if (isFloat32Array(data)) {
    assertUnitRange(data, `${argumentName}.data`);
    return { data, width, height, channels, fullScale: 1 };
  }
  return { data, width, height, channels, fullScale: 255 };
}

/** Classifies and validates one input; throws InputTypeError / InputRangeError naming `argumentName`. */
export function readInput(input: unknown, argumentName: string): ReadInput {
  if (isFloat32Array(input)) {
    assertModelSized(input, argumentName, 'Float32Array');
    assertUnitRange(input, argumentName);
    return { kind: 'normalized', pixels: input };
  }
  if (isByteArray(input)) {
    assertModelSized(input, argumentName, typedArrayName(input) ?? 'Uint8Array');
    return { kind: 'bytes', pixels: input };
  }
  // Duck-typed: a real ImageData keeps its fields as prototype getters, so `in` (not own keys) is the test.
  if (typeof input === 'object' && input !== null && !ArrayBuffer.isView(input) && 'data' in input) {
    return { kind: 'image', image: readImage(input as Record<string, unknown>, argumentName) };
  }
  throw typeError(argumentName, input);
}
