import { convertIndexedToRgb, decode, type DecodedPng } from 'fast-png';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import type { ImageLike } from '../../../sdk/src/input/classifier-input.ts';
import { ApiError } from '../http/api-error.ts';

/** Largest side and pixel count decoded: bounds the memory a PNG can claim (RGBA, 16-bit: 32 MB). */
export const MAX_PNG_SIDE = 2048;
export const MAX_PNG_PIXELS = 2048 * 2048;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Width and height from the IHDR chunk, read before any decoding so that a tiny file claiming a
 * huge image is refused without allocating it.
 */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  const isPng = bytes.length >= 24 && SIGNATURE.every((byte, i) => bytes[i] === byte);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isPng || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new ApiError(400, ErrorCodes.INPUT_TYPE, 'The body is not a PNG file (bad signature or no IHDR chunk); send image/png bytes.');
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw new ApiError(400, ErrorCodes.INPUT_RANGE, `The PNG declares an empty image (${width} x ${height}).`);
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE || width * height > MAX_PNG_PIXELS) {
    throw new ApiError(
      413,
      ErrorCodes.INPUT_RANGE,
      `The PNG is ${width} x ${height} pixels; at most ${MAX_PNG_SIDE} x ${MAX_PNG_SIDE} is accepted. Scale the image down first (28 x 28 is what the model sees).`,
    );
  }
  return { width, height };
}

/** Decodes a PNG into the SDK's ImageLike (gray, RGB or RGBA), whatever its depth or palette. */
export function decodePngImage(bytes: Uint8Array): ImageLike {
  const { width, height } = readPngSize(bytes);
  let png: DecodedPng;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (cause) {
    throw new ApiError(400, ErrorCodes.INPUT_TYPE, `The PNG could not be decoded (${(cause as Error).message}); send an intact image/png file.`, { cause });
  }
  if (png.width !== width || png.height !== height) {
    throw new ApiError(400, ErrorCodes.INPUT_TYPE, 'The PNG could not be decoded (its header and data disagree); send an intact image/png file.');
  }
  try {
    return toImageLike(png);
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(400, ErrorCodes.INPUT_TYPE, `The PNG's pixel data is incomplete (${(cause as Error).message}); send an intact image/png file.`, { cause });
  }
}

function toImageLike(png: DecodedPng): ImageLike {
  const { width, height } = png;
  const pixels = width * height;
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    return { data: rgb, width, height, channels: rgb.length === pixels * 4 ? 4 : 3 };
  }
  const channels = png.channels;
  let samples: Uint8Array | Float32Array;
  if (png.depth === 16) {
    const wide = png.data as Uint16Array;
    samples = new Float32Array(wide.length);
    for (let i = 0; i < wide.length; i++) samples[i] = wide[i]! / 65535;
  } else if (png.depth === 8) {
    samples = png.data as Uint8Array;
  } else {
    samples = unpackLowDepth(png.data as Uint8Array, width, height, channels, png.depth);
  }
  if (samples.length !== pixels * channels) throw new Error(`expected ${pixels * channels} samples, got ${samples.length}`);
  if (channels === 2) return { data: grayAlphaToRgba(samples), width, height, channels: 4 };
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`unsupported channel count ${channels}`);
  return { data: samples, width, height, channels };
}

/** 1-, 2- and 4-bit grayscale, rows padded to whole bytes, scaled to 0..255. */
function unpackLowDepth(packed: Uint8Array, width: number, height: number, channels: number, depth: number): Uint8Array {
  const perRow = Math.ceil((width * channels * depth) / 8);
  const scale = 255 / ((1 << depth) - 1);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * channels; x++) {
      const bit = x * depth;
      const byte = packed[y * perRow + (bit >> 3)] ?? 0;
      out[y * width * channels + x] = Math.round(((byte >> (8 - depth - (bit & 7))) & mask) * scale);
    }
  }
  return out;
}

function grayAlphaToRgba(samples: Uint8Array | Float32Array): Uint8Array | Float32Array {
  const out = samples instanceof Float32Array ? new Float32Array(samples.length * 2) : new Uint8Array(samples.length * 2);
  for (let i = 0, j = 0; i < samples.length; i += 2, j += 4) {
    out[j] = out[j + 1] = out[j + 2] = samples[i]!;
    out[j + 3] = samples[i + 1]!;
  }
  return out;
}
