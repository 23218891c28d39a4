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

/** The JSON body's images as Float32Arrays, or a 4xx naming the first problem. */
export function parseJsonInputs(body: Uint8Array): Float32Array[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body));
  } catch (cause) {
    throw new ApiError(400, ErrorCodes.INPUT_TYPE, `The body is not valid JSON (${(cause as Error).message}); send {"inputs": [[784 numbers in [0,1]], ...]}.`);
  }
  const inputs = (value as { inputs?: unknown } | null)?.inputs;
  if (Array.isArray(inputs) && inputs.length > MAX_IMAGES) {
    throw new ApiError(413, ErrorCodes.INPUT_RANGE, `inputs holds ${inputs.length} images; at most ${MAX_IMAGES} are accepted per request.`);
  }
  const parsed = v.safeParse(ClassifyJson, value, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((item) => (typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`)).join('') ?? '';
    throw new ApiError(400, issue.type === 'length' || issue.type === 'min_length' ? ErrorCodes.INPUT_RANGE : ErrorCodes.INPUT_TYPE,
      `body${path}: ${issue.message}; send {"inputs": [[784 numbers in [0,1]], ...]}.`);
  }
  return parsed.output.inputs.map((image) => Float32Array.from(image));
}
