/**
 * Re-renders one 28x28 MNIST digit in a WritingStyle: slant, scale and offset (an affine map)
 * plus the elastic wobble, applied by inverse mapping with bilinear sampling; then thicker
 * strokes and scan noise. Output floats in [0,1], the model's input range.
 */
import { IMAGE_SIZE, PIXELS } from '../data/mnist.ts';
import { elasticField } from './elastic-field.ts';
import { normalSampler } from './gaussian-random.ts';
import { greyDilation } from './grey-dilation.ts';
import type { WritingStyle } from './writing-style.ts';

const CENTRE = (IMAGE_SIZE - 1) / 2;

/** Bilinear sample of a uint8 image at a fractional position; zero outside. */
function sample(source: Uint8Array, offset: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const pixel = (xi: number, yi: number) =>
    xi < 0 || yi < 0 || xi >= IMAGE_SIZE || yi >= IMAGE_SIZE ? 0 : source[offset + yi * IMAGE_SIZE + xi]!;
  const top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx;
  const bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx;
  return (top * (1 - fy) + bottom * fy) / 255;
}

export function renderInStyle(
  source: Uint8Array,
  sourceOffset: number,
  style: WritingStyle,
  random: () => number,
): Float32Array {
  const field = elasticField(IMAGE_SIZE, style.elasticity, style.elasticSmoothing, random);
  const [offsetX, offsetY] = style.offset;
  const warped = new Float32Array(PIXELS);
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const p = y * IMAGE_SIZE + x;
      // Inverse of: output = scale * shear(source - centre) + centre + offset, then the wobble.
      const wx = (x + field.dx[p]! - CENTRE - offsetX) / style.scale;
      const wy = (y + field.dy[p]! - CENTRE - offsetY) / style.scale;
      warped[p] = sample(source, sourceOffset, wx + style.slant * wy + CENTRE, wy + CENTRE);
    }
  }
  const bold = greyDilation(warped, IMAGE_SIZE, style.strokeRadius);
  const normal = normalSampler(random);
  for (let p = 0; p < PIXELS; p++) bold[p] = Math.min(1, Math.max(0, bold[p]! + style.noise * normal()));
  return bold;
}
