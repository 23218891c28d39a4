import { IMAGE_SIZE, PIXELS } from '../data/mnist.ts';

export interface AugmentOptions {
  /** Largest shift in pixels along each axis. */
  readonly maxShift: number;
  /** Largest rotation in degrees, either way. */
  readonly maxRotationDegrees: number;
  /** Largest relative change of scale, e.g. 0.1 for 90%..110%. */
  readonly maxScale: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { maxShift: 2, maxRotationDegrees: 12, maxScale: 0.1 };

/**
 * Writes one randomly shifted, rotated and scaled copy of a 28x28 uint8 image into `out` as
 * floats in [0,1], by inverse-mapping each output pixel and sampling bilinearly (zero outside).
 */
export function augmentImage(
  source: Uint8Array,
  sourceOffset: number,
  out: Float32Array,
  outOffset: number,
  random: () => number,
  options: AugmentOptions = DEFAULT_AUGMENT,
): void {
  const angle = ((random() * 2 - 1) * options.maxRotationDegrees * Math.PI) / 180;
  const scale = 1 + (random() * 2 - 1) * options.maxScale;
  const shiftX = (random() * 2 - 1) * options.maxShift;
  const shiftY = (random() * 2 - 1) * options.maxShift;
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const centre = (IMAGE_SIZE - 1) / 2;
  const last = IMAGE_SIZE - 1;
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const dy = y - centre - shiftY;
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const dx = x - centre - shiftX;
      const sx = cos * dx + sin * dy + centre;
      const sy = -sin * dx + cos * dy + centre;
      let value = 0;
      if (sx > -1 && sy > -1 && sx < IMAGE_SIZE && sy < IMAGE_SIZE) {
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const at = (xi: number, yi: number) =>
          xi < 0 || yi < 0 || xi > last || yi > last ? 0 : source[sourceOffset + yi * IMAGE_SIZE + xi]!;
        value =
          (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) +
          (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
      }
      out[outOffset + y * IMAGE_SIZE + x] = value / 255;
    }
  }
}

/** Gathers a batch by index, augmented or plainly scaled to [0,1]. */
export function gatherBatch(
  images: Uint8Array,
  indices: ArrayLike<number>,
  random: (() => number) | undefined,
  options: AugmentOptions = DEFAULT_AUGMENT,
): Float32Array {
  const out = new Float32Array(indices.length * PIXELS);
  for (let i = 0; i < indices.length; i++) {
    const offset = indices[i]! * PIXELS;
    if (random) {
      augmentImage(images, offset, out, i * PIXELS, random, options);
    } else {
      for (let p = 0; p < PIXELS; p++) out[i * PIXELS + p] = images[offset + p]! / 255;
    }
  }
  return out;
}
