/**
 * Converts a checked image of any channel layout to one luminance plane in [0,1].
 */
import type { CheckedImage } from './read-input.ts';

// ITU-R BT.601 luma, the weighting MNIST-era tools (and most "convert to gray") use.
const RED_WEIGHT = 0.299;
const GREEN_WEIGHT = 0.587;
const BLUE_WEIGHT = 0.114;

/**
 * Luminance of each pixel, row-major, in [0,1]. Translucent RGBA pixels are composited
 * over `backdrop` (1 = white, 0 = black): a transparent canvas with black strokes must
 * read as black ink on white paper.
 */
export function toGrayscale(image: CheckedImage, backdrop: 0 | 1, out?: Float32Array): Float32Array {
  const { data, channels } = image;
  const pixelCount = image.width * image.height;
  const gray = out ?? new Float32Array(pixelCount);
  const scale = 1 / image.fullScale;

  if (channels === 1) {
    for (let i = 0; i < pixelCount; i++) gray[i] = data[i]! * scale;
    return gray;
  }
  for (let i = 0, offset = 0; i < pixelCount; i++, offset += channels) {
    const luma = (RED_WEIGHT * data[offset]! + GREEN_WEIGHT * data[offset + 1]! + BLUE_WEIGHT * data[offset + 2]!) * scale;
    if (channels === 3) {
      gray[i] = luma;
    } else {
      const alpha = data[offset + 3]! * scale;
      gray[i] = alpha * luma + (1 - alpha) * backdrop;
    }
  }
  return gray;
}

/** True when an RGBA image's alpha differs between pixels, i.e. the alpha channel may carry the ink. */
export function hasVaryingAlpha(image: CheckedImage): boolean {
  if (image.channels !== 4) return false;
  const { data } = image;
  const first = data[3]!;
  for (let offset = 7; offset < data.length; offset += 4) if (data[offset] !== first) return true;
  return false;
}
