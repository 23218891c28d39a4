import { describe, expect, it } from 'vitest';
import { BodyReadError, BodyTooLongError, readBody } from './read-body.ts';
import { sameBytes } from './test-checkpoint.ts';

const BYTES = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251);

/** A byte stream (BYOB-capable, like a fetch body) serving `bytes` in pieces of at most `piece`. */
function byteStream(bytes: Uint8Array, piece: number, failAfter = Infinity, onCancel = () => {}): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: 'bytes',
    cancel: onCancel,
    pull(controller) {
      if (offset >= failAfter) throw new Error('connection reset');
      if (offset >= bytes.byteLength) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const request = controller.byobRequest;
      const end = Math.min(bytes.byteLength, offset + piece);
      if (request?.view) {
        const view = new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength);
        const n = Math.min(view.byteLength, end - offset);
        view.set(bytes.subarray(offset, offset + n));
        offset += n;
        request.respond(n);
      } else {
        controller.enqueue(bytes.slice(offset, end));
        offset = end;
      }
    },
  });
}

/** A default stream (no BYOB): a body built from JS chunks. */
function chunkStream(bytes: Uint8Array, piece: number, failAfter = Infinity, onCancel = () => {}): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    cancel: onCancel,
    pull(controller) {
      if (offset >= failAfter) throw new Error('connection reset');
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + piece));
      offset += piece;
    },
  });
}

describe.each([
  ['a byte stream (BYOB)', byteStream],
  ['a default stream', chunkStream],
])('readBody from %s', (_, stream) => {
  it.each([
    ['a buffer of the exact size', BYTES.byteLength],
    ['a small buffer it grows', 1_000],
    ['an empty buffer', 0],
  ])('reads every byte into %s', async (_, initial) => {
    const seen: number[] = [];
    const read = await readBody(stream(BYTES, 65_536), { into: new Uint8Array(initial), limit: BYTES.byteLength, onRead: (b) => seen.push(b.byteLength) });
    expect(sameBytes(read, BYTES)).toBe(true);
    expect(seen.at(-1)).toBe(BYTES.byteLength);
  });

  it('returns what arrived when the body is shorter than the limit', async () => {
    const read = await readBody(stream(BYTES.subarray(0, 1234), 500), { into: new Uint8Array(BYTES.byteLength), limit: BYTES.byteLength, onRead: () => undefined });
    expect(sameBytes(read, BYTES.subarray(0, 1234))).toBe(true);
  });

  it.each([BYTES.byteLength - 1, 1000, 0])('stops at the first byte past a limit of %d', async (limit) => {
    await expect(readBody(stream(BYTES, 4096), { into: new Uint8Array(limit), limit, onRead: () => undefined })).rejects.toBeInstanceOf(BodyTooLongError);
  });

  it('with stopAtLimit, returns the first `limit` bytes of a longer body and cancels the rest', async () => {
    let cancelled = false;
    const body = stream(BYTES, 4096, Infinity, () => void (cancelled = true));
    const read = await readBody(body, { into: new Uint8Array(10_000), limit: 10_000, stopAtLimit: true, onRead: () => undefined });
    expect(sameBytes(read, BYTES.subarray(0, 10_000))).toBe(true);
    expect(cancelled).toBe(true);
  });

  it('reports a broken stream with how much had arrived', async () => {
    const failed = readBody(stream(BYTES, 10_000, 50_000), { into: new Uint8Array(BYTES.byteLength), limit: BYTES.byteLength, onRead: () => undefined });
    await expect(failed).rejects.toBeInstanceOf(BodyReadError);
    await expect(failed).rejects.toMatchObject({ loaded: 50_000 });
  });
});
