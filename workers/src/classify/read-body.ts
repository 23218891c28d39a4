import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { ApiError } from '../http/api-error.ts';
import { readAtMost } from '../http/read-at-most.ts';
import { MAX_BODY_BYTES } from './classify-limits.ts';

const CLASSIFY_ADVICE = 'send at most 64 images per request';

/** The request body, refused with a 413 as soon as it passes the limit (Content-Length or streamed). */
export async function readBoundedBody(request: Request, limit = MAX_BODY_BYTES, advice = CLASSIFY_ADVICE): Promise<Uint8Array> {
  const tooLarge = () => new ApiError(413, ErrorCodes.INPUT_RANGE, `The body is larger than ${limit} bytes; ${advice}.`);
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  const body = await readAtMost(request.body, limit);
  if (body === undefined) throw tooLarge();
  return body;
}
