/**
 * The image-like path against real MNIST digits: render a digit as a canvas drawing
 * (large, off-centre, either polarity, or strokes in the alpha channel), preprocess it,
 * and compare with the original 28x28 digit, which MNIST itself laid out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, type MnistSplit } from '../../../scripts/data/mnist.ts';
import { toModelBatch, toModelInput, type ImageLike } from './to-model-input.ts';

const SIZE = 28;
const DIGITS_CHECKED = 40;

type DrawingStyle = 'black-on-white' | 'white-on-black' | 'black-on-transparent';

interface Placement {
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  /** Canvas pixels per MNIST pixel. */
  readonly scale: number;
  /** Canvas position of the digit frame's top-left corner. */
  readonly left: number;
  readonly top: number;
}

const OFF_CENTRE: Placement = { canvasWidth: 280, canvasHeight: 200, scale: 6.3, left: 17, top: 9 };

/** Ink of the 28x28 digit at a fractional position (bilinear between pixel centres, 0 outside). */
function sampleDigit(digit: Uint8Array, u: number, v: number): number {
  const x0 = Math.floor(u);
  const y0 = Math.floor(v);
  const fx = u - x0;
  const fy = v - y0;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= SIZE || y >= SIZE ? 0 : digit[y * SIZE + x]!);
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** An RGBA canvas of the digit drawn smoothly at `placement`, like a user's drawing. */
function renderDrawing(digit: Uint8Array, placement: Placement, style: DrawingStyle): ImageLike {
  const { canvasWidth, canvasHeight, scale, left, top } = placement;
  const data = new Uint8ClampedArray(canvasWidth * canvasHeight * 4);
  for (let y = 0; y < canvasHeight; y++) {
    for (let x = 0; x < canvasWidth; x++) {
      const ink = Math.round(sampleDigit(digit, (x + 0.5 - left) / scale - 0.5, (y + 0.5 - top) / scale - 0.5));
      const offset = (y * canvasWidth + x) * 4;
      const shade = style === 'white-on-black' ? ink : style === 'black-on-white' ? 255 - ink : 0;
      data[offset] = data[offset + 1] = data[offset + 2] = shade;
      data[offset + 3] = style === 'black-on-transparent' ? ink : 255;
    }
  }
  return { data, width: canvasWidth, height: canvasHeight };
}

function digitAt(split: MnistSplit, index: number): Uint8Array {
  return split.images.subarray(index * SIZE * SIZE, (index + 1) * SIZE * SIZE);
}

function meanAbsoluteDifference(pixels: Float32Array, digit: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < digit.length; i++) sum += Math.abs(pixels[i]! - digit[i]! / 255);
  return sum / digit.length;
}

function centreOfMass(pixels: Float32Array): { x: number; y: number } {
  let mass = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < pixels.length; i++) {
    mass += pixels[i]!;
    x += pixels[i]! * (i % SIZE);
    y += pixels[i]! * Math.floor(i / SIZE);
  }
  return { x: x / mass, y: y / mass };
}

function inkBoxSize(pixels: Float32Array): { width: number; height: number } {
  let left = SIZE;
  let right = -1;
  let top = SIZE;
  let bottom = -1;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i]! <= 0.1) continue;
    const x = i % SIZE;
    const y = Math.floor(i / SIZE);
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  return { width: right - left + 1, height: bottom - top + 1 };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** The index of the original digit closest to `pixels`, among the first `count`. */
function closestDigit(split: MnistSplit, pixels: Float32Array, count: number): number {
  let best = -1;
  let bestDifference = Infinity;
  for (let index = 0; index < count; index++) {
    const difference = meanAbsoluteDifference(pixels, digitAt(split, index));
    if (difference < bestDifference) [best, bestDifference] = [index, difference];
  }
  return best;
}

function expectMnistLayout(pixels: Float32Array): void {
  expect(pixels).toHaveLength(SIZE * SIZE);
  expect(Math.min(...pixels)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
  const centre = centreOfMass(pixels);
  expect(Math.abs(centre.x - SIZE / 2)).toBeLessThanOrEqual(1);
  expect(Math.abs(centre.y - SIZE / 2)).toBeLessThanOrEqual(1);
  const box = inkBoxSize(pixels);
  expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(20);
}

describe('toModelInput on MNIST digits drawn on a canvas', () => {
  let test: MnistSplit;
  beforeAll(async () => {
    test = await loadMnistSplit('test');
  });

  it('recovers the MNIST layout from a large off-centre black-on-white drawing', () => {
    let totalDifference = 0;
    for (let index = 0; index < DIGITS_CHECKED; index++) {
      const digit = digitAt(test, index);
      const pixels = toModelInput(renderDrawing(digit, OFF_CENTRE, 'black-on-white'));

      expectMnistLayout(pixels);
      // For scale: shifting an MNIST digit by one pixel costs 0.065 on average.
      const difference = meanAbsoluteDifference(pixels, digit);
      expect(difference, `digit #${index}`).toBeLessThan(0.07);
      // A nearest-neighbour reader still sees the same digit (two 1s may look alike, hence labels).
      const closest = closestDigit(test, pixels, DIGITS_CHECKED);
      expect(test.labels[closest], `digit #${index}`).toBe(test.labels[index]);
      totalDifference += difference;
    }
    expect(totalDifference / DIGITS_CHECKED).toBeLessThan(0.04);
  });

  it('gives the same result for white-on-black and black-on-white drawings (polarity detection)', () => {
    for (let index = 0; index < DIGITS_CHECKED; index++) {
      const digit = digitAt(test, index);
      const dark = toModelInput(renderDrawing(digit, OFF_CENTRE, 'black-on-white'));
      const light = toModelInput(renderDrawing(digit, OFF_CENTRE, 'white-on-black'));
      expect(maxDifference(dark, light), `digit #${index}`).toBeLessThan(1e-5);
    }
  });

  it('reads black strokes on a transparent canvas as black ink on white', () => {
    for (let index = 0; index < DIGITS_CHECKED; index++) {
      const digit = digitAt(test, index);
      const opaque = toModelInput(renderDrawing(digit, OFF_CENTRE, 'black-on-white'));
      const transparent = toModelInput(renderDrawing(digit, OFF_CENTRE, 'black-on-transparent'));
      expect(maxDifference(opaque, transparent), `digit #${index}`).toBeLessThan(1e-5);
    }
  });

  it('reads white strokes on a transparent canvas (invisible over white) from the alpha channel', () => {
    const digit = digitAt(test, 0);
    const drawing = renderDrawing(digit, OFF_CENTRE, 'black-on-transparent');
    const whiteStrokes = new Uint8ClampedArray(drawing.data);
    for (let offset = 0; offset < whiteStrokes.length; offset += 4) whiteStrokes.fill(255, offset, offset + 3);
    const pixels = toModelInput({ data: whiteStrokes, width: drawing.width, height: drawing.height });
    expect(maxDifference(pixels, toModelInput(drawing))).toBeLessThan(1e-5);
  });

  it('enlarges a small drawing with the same layout', () => {
    const small: Placement = { canvasWidth: 40, canvasHeight: 36, scale: 0.7, left: 13, top: 3 };
    for (let index = 0; index < DIGITS_CHECKED; index++) {
      const digit = digitAt(test, index);
      const pixels = toModelInput(renderDrawing(digit, small, 'black-on-white'));
      expectMnistLayout(pixels);
      // Drawn at 70% the digit loses detail that enlarging cannot restore.
      expect(meanAbsoluteDifference(pixels, digit), `digit #${index}`).toBeLessThan(0.12);
    }
  });

  it('leaves an MNIST digit passed as a 28x28 gray image nearly unchanged', () => {
    for (let index = 0; index < DIGITS_CHECKED; index++) {
      const digit = digitAt(test, index);
      const pixels = toModelInput({ data: digit, width: SIZE, height: SIZE });
      expectMnistLayout(pixels);
      expect(meanAbsoluteDifference(pixels, digit), `digit #${index}`).toBeLessThan(0.04);
    }
  });

  it('batches drawings of different sizes into the same values as one by one', () => {
    const drawings = [0, 1, 2].map((index) => renderDrawing(digitAt(test, index), OFF_CENTRE, 'black-on-white'));
    const batch = toModelBatch([...drawings, digitAt(test, 3)]);
    expect(batch).toHaveLength(4 * SIZE * SIZE);
    drawings.forEach((drawing, index) => {
      expect(batch.subarray(index * 784, (index + 1) * 784)).toEqual(toModelInput(drawing));
    });
    expect(batch.subarray(3 * 784)).toEqual(toModelInput(digitAt(test, 3)));
  });
});
