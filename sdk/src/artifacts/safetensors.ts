/**
 * safetensors reader and writer for float32 tensors.
 *
 * Layout: 8-byte little-endian header length, a JSON header (padded with spaces so
 * the data section starts 8-byte aligned), then the raw little-endian tensor bytes.
 * Pure module: no Node APIs, so it runs in browsers, workers and workerd.
 */

export const SAFETENSORS_INVALID = 'E_SAFETENSORS_INVALID';

export class SafetensorsError extends Error {
  readonly code = SAFETENSORS_INVALID;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SafetensorsError';
  }
}

export interface Float32Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsContent {
  /** Tensors in file order. */
  readonly tensors: Map<string, Float32Tensor>;
  readonly metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';
const HEADER_ALIGNMENT = 8;
const BYTES_PER_F32 = 4;
// Headers are tiny; a huge declared length means a corrupt or hostile file.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Serialises tensors in the given order. Same input -> same bytes. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, Float32Tensor> | ReadonlyArray<readonly [string, Float32Tensor]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = [...tensors];
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = { ...metadata };
  let offset = 0;
  for (const [name, tensor] of entries) {
    if (name === METADATA_KEY) throw new SafetensorsError(`tensor name "${METADATA_KEY}" is reserved`);
    if (elementCount(tensor.shape) !== tensor.data.length) {
      throw new SafetensorsError(
        `tensor "${name}": shape [${tensor.shape.join(',')}] does not match ${tensor.data.length} values`,
      );
    }
    const byteLength = tensor.data.length * BYTES_PER_F32;
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const paddedLength = Math.ceil((8 + json.length) / HEADER_ALIGNMENT) * HEADER_ALIGNMENT - 8;
  const out = new Uint8Array(8 + paddedLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, paddedLength, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + paddedLength);

  let cursor = 8 + paddedLength;
  for (const [, tensor] of entries) {
    writeFloat32LittleEndian(out, cursor, tensor.data);
    cursor += tensor.data.length * BYTES_PER_F32;
  }
  return out;
}

/** Parses and validates a safetensors buffer holding F32 tensors. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContent {
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const headerLengthHigh = view.getUint32(4, true);
  if (headerLengthHigh !== 0 || headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError('header length is implausibly large');
  }
  if (8 + headerLength > bytes.length) {
    throw new SafetensorsError(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  }

  const header = parseHeaderJson(bytes.subarray(8, 8 + headerLength));
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata = readMetadata(header[METADATA_KEY]);

  const spans: Array<{ name: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    spans.push({ name, ...readTensorEntry(name, entry, dataLength) });
  }

  // Exact byte accounting: the tensors tile the data section with no overlap, gap or spare
  // byte. A header length off by a byte or two still parses (the header is space-padded), but
  // then shifts every float; only the count of data bytes reveals it.
  const byBegin = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const span of byBegin) {
    if (span.begin < covered) throw new SafetensorsError(`tensor "${span.name}" overlaps the tensor before it`);
    if (span.begin > covered) throw new SafetensorsError(`data bytes [${covered},${span.begin}) before tensor "${span.name}" belong to no tensor`);
    covered = span.end;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError(
      `the data section holds ${dataLength} bytes but the tensors account for ${covered}: the header length or an offset is wrong`,
    );
  }

  const tensors = new Map<string, Float32Tensor>();
  for (const span of spans) {
    tensors.set(span.name, {
      shape: span.shape,
      data: readFloat32LittleEndian(bytes, dataStart + span.begin, (span.end - span.begin) / BYTES_PER_F32),
    });
  }
  return { tensors, metadata };
}

function parseHeaderJson(headerBytes: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (cause) {
    throw new SafetensorsError('header is not valid UTF-8 JSON', { cause });
  }
  if (!isPlainObject(parsed)) throw new SafetensorsError('header must be a JSON object');
  return parsed;
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new SafetensorsError(`"${METADATA_KEY}" must be an object of strings`);
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw new SafetensorsError(`"${METADATA_KEY}.${key}" must be a string`);
    metadata[key] = entry;
  }
  return metadata;
}

function readTensorEntry(
  name: string,
  entry: unknown,
  dataLength: number,
): { shape: number[]; begin: number; end: number } {
  if (!isPlainObject(entry)) throw new SafetensorsError(`tensor "${name}": entry must be an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (dtype !== 'F32') throw new SafetensorsError(`tensor "${name}": unsupported dtype ${JSON.stringify(dtype)}, expected "F32"`);
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw new SafetensorsError(`tensor "${name}": shape must be an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw new SafetensorsError(`tensor "${name}": data_offsets must be two non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw new SafetensorsError(`tensor "${name}": data_offsets [${begin},${end}] outside the ${dataLength}-byte data section`);
  }
  const expectedBytes = elementCount(shape as number[]) * BYTES_PER_F32;
  if (end - begin !== expectedBytes) {
    throw new SafetensorsError(`tensor "${name}": ${end - begin} bytes for shape [${shape.join(',')}], expected ${expectedBytes}`);
  }
  return { shape: [...(shape as number[])], begin, end };
}

// Bytes are copied, not converted through numbers, so NaN payloads survive bit-exactly.
function writeFloat32LittleEndian(target: Uint8Array, offset: number, values: Float32Array): void {
  const source = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (littleEndianHost) {
    target.set(source, offset);
    return;
  }
  for (let i = 0; i < source.length; i += 4) {
    for (let b = 0; b < 4; b++) target[offset + i + b] = source[i + 3 - b]!;
  }
}

function readFloat32LittleEndian(source: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  const target = new Uint8Array(out.buffer);
  const slice = source.subarray(offset, offset + count * BYTES_PER_F32);
  if (littleEndianHost) {
    target.set(slice);
    return out;
  }
  for (let i = 0; i < slice.length; i += 4) {
    for (let b = 0; b < 4; b++) target[i + b] = slice[i + 3 - b]!;
  }
  return out;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
