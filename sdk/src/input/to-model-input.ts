/**
 * The SDK's input normalization: any accepted image form to the model's float32 input
 * (28x28, values in [0,1], white digit on black). Pure: runs in a browser main thread,
 * a Web Worker, Node and workerd (no DOM APIs; ImageData is duck-typed).
 */
import { InputRangeError, InputTypeError } from '../errors.ts';
import { centerDigit } from './center-digit.ts';
import { MODEL_PIXEL_COUNT, type ClassifierInput } from './classifier-input.ts';
import { hasVaryingAlpha, toGrayscale } from './grayscale.ts';
import { extractInk, MIN_INK_CONTRAST, type InkBox } from './ink-map.ts';
import { readInput, type CheckedImage } from './read-input.ts';

export type { ClassifierInput, ImageLike, ImagePixels } from './classifier-input.ts';
export { MODEL_IMAGE_SIZE, MODEL_PIXEL_COUNT } from './classifier-input.ts';

function writeImage(image: CheckedImage, argumentName: string, output: Float32Array): void {
  const gray = toGrayscale(image, 1);
  let box: InkBox | null = extractInk(gray, image.width, image.height);
  // Light strokes on a transparent canvas vanish over white; over black they are the ink.
  if (box === null && hasVaryingAlpha(image)) {
    box = extractInk(toGrayscale(image, 0, gray), image.width, image.height);
  }
  if (box === null) throw blank(argumentName);
  centerDigit(gray, image.width, box, output);
}

/**
 * One rule for every form: an image with no ink is refused, not classified. For model-ready
 * arrays (white on black by contract) that means the brightest and darkest pixels differ by
 * less than MIN_INK_CONTRAST of full scale: all black, all white or any uniform gray.
 */
function blank(argumentName: string): InputRangeError {
  return new InputRangeError(`${argumentName} contains no ink (the image is blank)`);
}

function assertInk(darkest: number, brightest: number, argumentName: string): void {
  if (!(brightest - darkest >= MIN_INK_CONTRAST)) throw blank(argumentName);
}

/** The bit pattern of 1.0f. */
const ONE_BITS = 0x3f800000;
/** Tolerance for float rounding just outside [0,1], as readInput allows. */
const ROUNDING = 1e-6;

/**
 * The common case, a model-ready Float32Array(784), checked and copied in one pass. Anything
 * unusual (a bad value, another realm's array) takes the full path, which names the problem.
 */
function copyIfNormalized(input: unknown, output: Float32Array, offset: number): boolean {
  if (!(input instanceof Float32Array) || input.length !== MODEL_PIXEL_COUNT) return false;
  // The float32 bit patterns of 0..1 are exactly the uint32 values 0..ONE_BITS; negatives, NaN
  // and values above 1 all read larger. So the image is in range iff its largest bit pattern is
  // at most ONE_BITS: an eight-wide Math.max per step (784 = 98 x 8) runs about twice as fast in
  // V8 as a compare per pixel, and a batch of 256 images goes through here on the caller's thread.
  // The smallest pattern is likewise the darkest pixel, for the no-ink check.
  const bits = new Uint32Array(input.buffer, input.byteOffset, MODEL_PIXEL_COUNT);
  let largest = 0;
  let smallest = ONE_BITS;
  for (let i = 0; i < MODEL_PIXEL_COUNT; i += 8) {
    const a = bits[i]!, b = bits[i + 1]!, c = bits[i + 2]!, d = bits[i + 3]!;
    const e = bits[i + 4]!, f = bits[i + 5]!, g = bits[i + 6]!, h = bits[i + 7]!;
    largest = Math.max(largest, a, b, c, d, e, f, g, h);
    smallest = Math.min(smallest, a, b, c, d, e, f, g, h);
  }
  if (largest <= ONE_BITS) {
    // Blank images take the full path, which names the problem.
    if (!(bitsToFloat(largest) - bitsToFloat(smallest) >= MIN_INK_CONTRAST)) return false;
    output.set(input, offset);
    return true;
  }
  let darkest = Infinity;
  let brightest = -Infinity;
  for (let i = 0; i < MODEL_PIXEL_COUNT; i++) {
    const value = input[i]!;
    // Written so NaN fails too.
    if (!(value >= -ROUNDING && value <= 1 + ROUNDING)) return false;
    const clamped = value < 0 ? 0 : value > 1 ? 1 : value;
    output[offset + i] = clamped;
    if (clamped < darkest) darkest = clamped;
    if (clamped > brightest) brightest = clamped;
  }
  return brightest - darkest >= MIN_INK_CONTRAST;
}

const scratchBits = new Uint32Array(1);
const scratchFloat = new Float32Array(scratchBits.buffer);

function bitsToFloat(bits: number): number {
  scratchBits[0] = bits;
  return scratchFloat[0]!;
}

/** Normalizes one input into the 784 zeroed floats of `output` at `offset`. */
function writeModelInput(input: unknown, argumentName: string, output: Float32Array, offset = 0): void {
  if (copyIfNormalized(input, output, offset)) return;
  const read = readInput(input, argumentName);
  const target = offset === 0 && output.length === MODEL_PIXEL_COUNT ? output : output.subarray(offset, offset + MODEL_PIXEL_COUNT);
  switch (read.kind) {
    case 'normalized':
    case 'bytes': {
      const divisor = read.kind === 'bytes' ? 255 : 1;
      let darkest = Infinity;
      let brightest = -Infinity;
      for (let i = 0; i < MODEL_PIXEL_COUNT; i++) {
        // Floats are validated to [0,1] up to rounding; clamp that rounding away.
        const value = read.pixels[i]! / divisor;
        const clamped = value < 0 ? 0 : value > 1 ? 1 : value;
        target[i] = clamped;
        if (clamped < darkest) darkest = clamped;
        if (clamped > brightest) brightest = clamped;
      }
      assertInk(darkest, brightest, argumentName);
      return;
    }
    case 'image':
      writeImage(read.image, argumentName, target);
      return;
  }
}

/**
 * One image as the model's input: a new Float32Array of 28*28 values in [0,1], white digit
 * on black. Never aliases the caller's array, so the result may be transferred to a worker.
 * @throws InputTypeError (E_INPUT_TYPE) for an unsupported type, InputRangeError (E_INPUT_RANGE)
 *   for a wrong size, an out-of-range value or a blank image; messages name `argumentName`.
 */
export function toModelInput(input: ClassifierInput, argumentName = 'input'): Float32Array {
  const output = new Float32Array(MODEL_PIXEL_COUNT);
  writeModelInput(input, argumentName, output);
  return output;
}

/**
 * A batch of images as one contiguous Float32Array of N*28*28 values (the [N,1,28,28] tensor),
 * for `inputs[start..end)` (default: all of them). Errors name the element, e.g. `inputs[3]`.
 */
export function toModelBatch(
  inputs: readonly ClassifierInput[],
  argumentName = 'inputs',
  start = 0,
  end: number = Array.isArray(inputs) ? inputs.length : 0,
): Float32Array {
  if (!Array.isArray(inputs)) {
    const got = inputs === null ? 'null' : ArrayBuffer.isView(inputs) ? 'a typed array' : typeof inputs;
    throw new InputTypeError(
      `${argumentName} must be an array of images; got ${got} (for a single image use toModelInput)`,
    );
  }
  if (inputs.length === 0) throw new InputRangeError(`${argumentName} must hold at least one image; got an empty array`);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > inputs.length || start >= end) {
    throw new RangeError(`toModelBatch: [${start}, ${end}) is not a non-empty range of ${argumentName} (length ${inputs.length})`);
  }
  const batch = new Float32Array((end - start) * MODEL_PIXEL_COUNT);
  for (let i = start; i < end; i++) {
    const offset = (i - start) * MODEL_PIXEL_COUNT;
    // The common case first, without building the element's name for error messages.
    if (!copyIfNormalized(inputs[i], batch, offset)) writeModelInput(inputs[i], `${argumentName}[${i}]`, batch, offset);
  }
  return batch;
}
