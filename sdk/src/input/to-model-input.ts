/**
 * The SDK's input normalization: any accepted image form to the model's float32 input
 * (28x28, values in [0,1], white digit on black). Pure: runs in a browser main thread,
 * a Web Worker, Node and workerd (no DOM APIs; ImageData is duck-typed).
 */
import { InputRangeError, InputTypeError } from '../errors.ts';
import { centerDigit } from './center-digit.ts';
import { MODEL_PIXEL_COUNT, type ClassifierInput } from './classifier-input.ts';
import { hasVaryingAlpha, toGrayscale } from './grayscale.ts';
import { extractInk, type InkBox } from './ink-map.ts';
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
  if (box === null) throw new InputRangeError(`${argumentName} contains no ink (the image is blank)`);
  centerDigit(gray, image.width, box, output);
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
  const bits = new Uint32Array(input.buffer, input.byteOffset, MODEL_PIXEL_COUNT);
  let largest = 0;
  for (let i = 0; i < MODEL_PIXEL_COUNT; i += 8) {
    largest = Math.max(largest, bits[i]!, bits[i + 1]!, bits[i + 2]!, bits[i + 3]!, bits[i + 4]!, bits[i + 5]!, bits[i + 6]!, bits[i + 7]!);
  }
  const inRange = largest <= ONE_BITS;
  if (inRange) {
    output.set(input, offset);
    return true;
  }
  for (let i = 0; i < MODEL_PIXEL_COUNT; i++) {
    const value = input[i]!;
    // Written so NaN fails too.
    if (!(value >= -ROUNDING && value <= 1 + ROUNDING)) return false;
    output[offset + i] = value < 0 ? 0 : value > 1 ? 1 : value;
  }
  return true;
}

/** Normalizes one input into the 784 zeroed floats of `output` at `offset`. */
function writeModelInput(input: unknown, argumentName: string, output: Float32Array, offset = 0): void {
  if (copyIfNormalized(input, output, offset)) return;
  const read = readInput(input, argumentName);
  const target = offset === 0 && output.length === MODEL_PIXEL_COUNT ? output : output.subarray(offset, offset + MODEL_PIXEL_COUNT);
  switch (read.kind) {
    case 'normalized':
      // Validated to [0,1] up to float rounding; clamp that rounding away.
      for (let i = 0; i < MODEL_PIXEL_COUNT; i++) {
        const value = read.pixels[i]!;
        target[i] = value < 0 ? 0 : value > 1 ? 1 : value;
      }
      return;
    case 'bytes':
      for (let i = 0; i < MODEL_PIXEL_COUNT; i++) target[i] = read.pixels[i]! / 255;
      return;
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
