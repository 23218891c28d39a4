import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SAFETENSORS_INVALID, SafetensorsError } from './safetensors.ts';

const weight = Float32Array.from({ length: 6 }, (_, i) => i * 0.5 - 1.25);
const bias = Float32Array.of(0.1, -0.2, 3e-39 /* subnormal */);

function fileWithHeader(header: unknown, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

function expectInvalid(bytes: Uint8Array, message: RegExp): void {
  try {
    decodeSafetensors(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).code).toBe(SAFETENSORS_INVALID);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected decodeSafetensors to throw');
}

describe('safetensors', () => {
  it('round-trips tensors bit-exactly, in order, with metadata', () => {
    const nan = new Float32Array(new Uint32Array([0x7fc00123]).buffer); // NaN with a payload
    const bytes = encodeSafetensors(
      [
        ['head.0.weight', { shape: [2, 3], data: weight }],
        ['head.0.bias', { shape: [3], data: bias }],
        ['odd', { shape: [1], data: nan }],
      ],
      { name: 'mnist-mlp', version: '1.0.0' },
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['head.0.weight', 'head.0.bias', 'odd']);
    expect(tensors.get('head.0.weight')!.shape).toEqual([2, 3]);
    expect(new Uint8Array(tensors.get('head.0.weight')!.data.buffer)).toEqual(new Uint8Array(weight.buffer));
    expect(new Uint8Array(tensors.get('head.0.bias')!.data.buffer)).toEqual(new Uint8Array(bias.buffer));
    expect(new Uint32Array(tensors.get('odd')!.data.buffer)[0]).toBe(0x7fc00123);
    expect(metadata).toEqual({ name: 'mnist-mlp', version: '1.0.0' });
  });

  it('writes the standard layout: u64 header length, JSON header, 8-byte aligned data', () => {
    const bytes = encodeSafetensors([['w', { shape: [3], data: bias }]]);
    const view = new DataView(bytes.buffer);
    const headerLength = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header).toEqual({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } });
    expect(bytes.length).toBe(8 + headerLength + 12);
    expect(view.getFloat32(8 + headerLength, true)).toBeCloseTo(0.1, 7);
  });

  it('is deterministic and reads from a subarray of a larger buffer', () => {
    const first = encodeSafetensors([['w', { shape: [6], data: weight }]]);
    expect(encodeSafetensors([['w', { shape: [6], data: weight }]])).toEqual(first);
    const padded = new Uint8Array(first.length + 3);
    padded.set(first, 3);
    expect(decodeSafetensors(padded.subarray(3)).tensors.get('w')!.data).toEqual(weight);
  });

  it('refuses to write a tensor whose shape does not match its data', () => {
    expect(() => encodeSafetensors([['w', { shape: [4], data: bias }]])).toThrow(SafetensorsError);
  });

  it('rejects a file shorter than its header length field', () => {
    expectInvalid(new Uint8Array(5), /shorter than the 8-byte header length/);
  });

  it('rejects a header length past the end of the file', () => {
    const bytes = fileWithHeader({});
    new DataView(bytes.buffer).setUint32(0, 1000, true);
    expectInvalid(bytes, /runs past the end/);
    new DataView(bytes.buffer).setUint32(4, 1, true);
    expectInvalid(bytes, /implausibly large/);
  });

  it('rejects a header that is not a JSON object', () => {
    expectInvalid(fileWithHeader('{"w": '), /not valid UTF-8 JSON/);
    expectInvalid(fileWithHeader('[1,2]'), /must be a JSON object/);
  });

  it('rejects offsets outside the data section, overlapping or not matching the shape', () => {
    const data = new Uint8Array(12);
    expectInvalid(fileWithHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [4, 16] } }, data), /outside the 12-byte data section/);
    expectInvalid(fileWithHeader({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, data), /12 bytes for shape \[2\], expected 8/);
    expectInvalid(fileWithHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, -12] } }, data), /data_offsets must be/);
    expectInvalid(
      fileWithHeader(
        { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
        data,
      ),
      /overlap/,
    );
  });

  it.each([1, 2, 3])('rejects a header length cut short by %i byte(s), which would misalign every float', (cut) => {
    // This header ends in 7 spaces of padding, so the shortened header is still valid JSON.
    const bytes = encodeSafetensors([['www', { shape: [6], data: weight }]]);
    const view = new DataView(bytes.buffer);
    expect(bytes[8 + view.getUint32(0, true) - 7]).toBe(0x20);
    view.setUint32(0, view.getUint32(0, true) - cut, true);
    expectInvalid(bytes, new RegExp(`data section holds ${24 + cut} bytes but the tensors account for 24`));
  });

  it('rejects data bytes that belong to no tensor: a gap between tensors or bytes after the last', () => {
    const data = new Uint8Array(16);
    expectInvalid(
      fileWithHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, data),
      /data bytes \[4,8\) before tensor "b" belong to no tensor/,
    );
    expectInvalid(fileWithHeader({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, data), /holds 16 bytes but the tensors account for 12/);
  });

  it('rejects unknown dtypes, bad shapes and non-string metadata', () => {
    const data = new Uint8Array(12);
    expectInvalid(fileWithHeader({ w: { dtype: 'Q4', shape: [3], data_offsets: [0, 12] } }, data), /unsupported dtype "Q4"/);
    expectInvalid(fileWithHeader({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 12] } }, data), /shape must be/);
    expectInvalid(fileWithHeader({ __metadata__: { epochs: 3 } }), /__metadata__.epochs" must be a string/);
  });
});
