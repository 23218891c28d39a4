import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { MODEL_PIXEL_COUNT } from '../../../sdk/src/input/classifier-input.ts';
import { toModelBatch, toModelInput } from '../../../sdk/src/input/to-model-input.ts';
import { ApiError } from '../http/api-error.ts';
import { MAX_IMAGES } from './classify-limits.ts';
import { parseJsonInputs } from './json-inputs.ts';
import { decodePngImage } from './png-image.ts';
import { readBoundedBody } from './read-body.ts';

export const ACCEPTED_TYPES = ['image/png', 'application/octet-stream', 'application/json'] as const;

/** The model's input for a classify request: N images, each prepared by the SDK's own preprocessing. */
export interface ModelBatch {
  readonly pixels: Float32Array;
  readonly count: number;
}

export async function readClassifyInput(request: Request): Promise<ModelBatch> {
  const type = (request.headers.get('Content-Type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (!(ACCEPTED_TYPES as readonly string[]).includes(type)) {
    throw new ApiError(
      415,
      ErrorCodes.INPUT_TYPE,
      `Content-Type ${type === '' ? '(none)' : `"${type}"`} is not accepted; send ${ACCEPTED_TYPES.join(', ')}.`,
    );
  }
  const body = await readBoundedBody(request);
  if (body.byteLength === 0) throw new ApiError(400, ErrorCodes.INPUT_RANGE, 'The body is empty; send one or more images.');
  switch (type) {
    case 'image/png':
      // The SDK's ImageData path: grayscale, polarity, crop to the ink, fit 20x20, centre of mass.
      return { pixels: toModelInput(decodePngImage(body), 'image'), count: 1 };
    case 'application/octet-stream':
      return rawBatch(body);
    default:
      return jsonBatch(parseJsonInputs(body));
  }
}

function rawBatch(body: Uint8Array): ModelBatch {
  if (body.byteLength % MODEL_PIXEL_COUNT !== 0) {
    throw new ApiError(
      400,
      ErrorCodes.INPUT_RANGE,
      `The body has ${body.byteLength} bytes, not a multiple of ${MODEL_PIXEL_COUNT}; send N x 28 x 28 uint8 pixels (white digit on black).`,
    );
  }
  const count = body.byteLength / MODEL_PIXEL_COUNT;
  if (count > MAX_IMAGES) throw new ApiError(413, ErrorCodes.INPUT_RANGE, `The body holds ${count} images; at most ${MAX_IMAGES} are accepted per request.`);
  const images = Array.from({ length: count }, (_, i) => body.subarray(i * MODEL_PIXEL_COUNT, (i + 1) * MODEL_PIXEL_COUNT));
  return { pixels: toModelBatch(images, 'body'), count };
}

function jsonBatch(images: Float32Array[]): ModelBatch {
  return { pixels: toModelBatch(images, 'inputs'), count: images.length };
}
