import * as v from 'valibot';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { MODEL_PIXEL_COUNT } from '../../../sdk/src/input/classifier-input.ts';
import { ApiError } from '../http/api-error.ts';
import { MAX_IMAGES } from './classify-limits.ts';

/** `{ "inputs": [[784 numbers], ...] }`; the [0,1] range is checked by the SDK's preprocessing. */
const ClassifyJson = v.strictObject({
  inputs: v.pipe(
    v.array(v.pipe(v.array(v.number()), v.length(MODEL_PIXEL_COUNT, `each image must have 28x28 = ${MODEL_PIXEL_COUNT} numbers`))),
    v.minLength(1, 'inputs must hold at least one image'),
  ),
});

/** Stateless between whole-body decodes, so one serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The JSON body's images as Float32Arrays, or a 4xx naming the first problem. */
export function parseJsonInputs(body: Uint8Array): Float32Array[] {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(body));
  } catch (cause) {
    throw new ApiError(400, ErrorCodes.INPUT_TYPE, `The body is not valid JSON (${(cause as Error).message}); send {"inputs": [[784 numbers in [0,1]], ...]}.`);
  }
  const inputs = (value as { inputs?: unknown } | null)?.inputs;
  if (Array.isArray(inputs) && inputs.length > MAX_IMAGES) {
    throw new ApiError(413, ErrorCodes.INPUT_RANGE, `inputs holds ${inputs.length} images; at most ${MAX_IMAGES} are accepted per request.`);
  }
  const images = readWellFormed(value);
  if (images !== undefined) return images;
  const parsed = v.safeParse(ClassifyJson, value, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((item) => (typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`)).join('') ?? '';
    throw new ApiError(400, issue.type === 'length' || issue.type === 'min_length' ? ErrorCodes.INPUT_RANGE : ErrorCodes.INPUT_TYPE,
      `body${path}: ${issue.message}; send {"inputs": [[784 numbers in [0,1]], ...]}.`);
  }
  return parsed.output.inputs.map((image) => Float32Array.from(image));
}

/**
 * The usual body, exactly what ClassifyJson accepts, read in one pass into one buffer; anything
 * else is undefined and goes through the schema, which names the problem. Every request takes
 * this path, so it avoids the schema's per-number output array and issue bookkeeping.
 */
function readWellFormed(value: unknown): Float32Array[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'inputs') return undefined;
  const inputs = (value as { inputs: unknown }).inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) return undefined;
  const pixels = new Float32Array(inputs.length * MODEL_PIXEL_COUNT);
  const images: Float32Array[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const image: unknown = inputs[i];
    if (!Array.isArray(image) || image.length !== MODEL_PIXEL_COUNT) return undefined;
    const offset = i * MODEL_PIXEL_COUNT;
    for (let j = 0; j < MODEL_PIXEL_COUNT; j++) {
      const number: unknown = image[j];
      // As v.number(): NaN cannot come out of JSON.parse, but the check costs nothing.
      if (typeof number !== 'number' || Number.isNaN(number)) return undefined;
      pixels[offset + j] = number;
    }
    images[i] = pixels.subarray(offset, offset + MODEL_PIXEL_COUNT);
  }
  return images;
}
