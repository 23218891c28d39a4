import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { ApiError } from '../http/api-error.ts';
import { MAX_BODY_BYTES } from './classify-limits.ts';

const CLASSIFY_ADVICE = 'send at most 64 images per request';

/** The request body, refused with a 413 as soon as it passes the limit (Content-Length or streamed). */
export async function readBoundedBody(request: Request, limit = MAX_BODY_BYTES, advice = CLASSIFY_ADVICE): Promise<Uint8Array> {
  const tooLarge = () => new ApiError(413, ErrorCodes.INPUT_RANGE, `The body is larger than ${limit} bytes; ${advice}.`);
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
