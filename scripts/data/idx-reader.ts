/**
 * Reader for the IDX format MNIST ships in: a 4-byte magic (two zero bytes, a type code,
 * the number of dimensions), one big-endian uint32 per dimension, then the data.
 */

export class IdxFormatError extends Error {
  readonly code = 'E_IDX_INVALID';
  constructor(message: string, readonly source?: string) {
    super(source ? `${source}: ${message}` : message);
    this.name = 'IdxFormatError';
  }
}

export interface IdxTensor {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

const TYPE_UNSIGNED_BYTE = 0x08;

/** Parses an IDX file of unsigned bytes (the only type MNIST uses); copies nothing. */
export function parseIdx(bytes: Uint8Array, source?: string): IdxTensor {
  if (bytes.byteLength < 4) {
    throw new IdxFormatError(`file is ${bytes.byteLength} bytes, shorter than the 4-byte IDX header`, source);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(
      `wrong magic 0x${view.getUint32(0).toString(16).padStart(8, '0')}: not an IDX file (expected 0x0000TTDD)`,
      source,
    );
  }
  const type = bytes[2];
  if (type !== TYPE_UNSIGNED_BYTE) {
    throw new IdxFormatError(`element type 0x${type?.toString(16)} is not supported; only unsigned bytes (0x08)`, source);
  }
  const rank = bytes[3] ?? 0;
  if (rank === 0) throw new IdxFormatError('IDX header declares zero dimensions', source);
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) {
    throw new IdxFormatError(`truncated header: ${rank} dimensions need ${headerBytes} bytes, file has ${bytes.byteLength}`, source);
  }
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const expected = shape.reduce((a, b) => a * b, 1);
  const actual = bytes.byteLength - headerBytes;
  if (actual !== expected) {
    throw new IdxFormatError(
      `${actual < expected ? 'truncated' : 'oversized'} data: shape [${shape.join(', ')}] needs ${expected} bytes, file has ${actual}`,
      source,
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}
