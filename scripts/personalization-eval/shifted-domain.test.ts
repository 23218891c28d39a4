import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, loadMnistSplit, PIXELS, takeFirst, toUnitFloat, type MnistSplit } from '../data/mnist.ts';
import { createRandom } from '../train/random.ts';
import { elasticField } from './elastic-field.ts';
import { greyDilation } from './grey-dilation.ts';
import { originalImages, renderShifted } from './shifted-domain.ts';
import { SHIFTED_STYLE, type WritingStyle } from './writing-style.ts';

let digits: MnistSplit;
beforeAll(async () => {
  digits = takeFirst(await loadMnistSplit('test'), 50);
});

const range = (start: number, count: number) => ({ split: digits, stream: 1, start, count });

/** Intensity-weighted centre of one image: [x, y]. */
function centreOfMass(pixels: Float32Array, index: number): [number, number] {
  let mass = 0;
  let x = 0;
  let y = 0;
  for (let p = 0; p < PIXELS; p++) {
    const v = pixels[index * PIXELS + p]!;
    mass += v;
    x += v * (p % IMAGE_SIZE);
    y += v * Math.floor(p / IMAGE_SIZE);
  }
  return [x / mass, y / mass];
}

describe('the shifted domain', () => {
  it('renders the same pixels for the same seed and different ones for another seed', () => {
    const a = renderShifted(range(0, 20), SHIFTED_STYLE, 7);
    const b = renderShifted(range(0, 20), SHIFTED_STYLE, 7);
    const c = renderShifted(range(0, 20), SHIFTED_STYLE, 8);
    expect(b.pixels).toEqual(a.pixels);
    expect(c.pixels).not.toEqual(a.pixels);
    expect(Array.from(a.labels)).toEqual(Array.from(digits.labels.subarray(0, 20)));
  });

  it('gives an image the same rendering whichever range it is rendered in', () => {
    const whole = renderShifted(range(0, 20), SHIFTED_STYLE, 7);
    const tail = renderShifted(range(15, 5), SHIFTED_STYLE, 7);
    expect(tail.pixels).toEqual(whole.pixels.subarray(15 * PIXELS));
  });

  it('keeps every pixel within [0, 1]', () => {
    const { pixels } = renderShifted(range(0, 50), SHIFTED_STYLE, 1);
    expect(pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.max(...pixels)).toBe(1);
  });

  it('really changes the digits: moved off-centre, smaller, bolder, not the identity', () => {
    const shifted = renderShifted(range(0, 50), SHIFTED_STYLE, 1);
    const plain = originalImages(range(0, 50));
    let difference = 0;
    for (let p = 0; p < plain.pixels.length; p++) difference += Math.abs(shifted.pixels[p]! - plain.pixels[p]!);
    expect(difference / plain.pixels.length).toBeGreaterThan(0.1);
    const moves = Array.from({ length: 50 }, (_, i) => {
      const [x0, y0] = centreOfMass(plain.pixels, i);
      const [x1, y1] = centreOfMass(shifted.pixels, i);
      return [x1 - x0, y1 - y0] as const;
    });
    const meanMove = (axis: 0 | 1) => moves.reduce((s, m) => s + m[axis], 0) / moves.length;
    // Noise pulls the centre of mass towards the middle, so expect part of the offset.
    expect(meanMove(0)).toBeGreaterThan(SHIFTED_STYLE.offset[0] / 3);
    expect(meanMove(1)).toBeGreaterThan(SHIFTED_STYLE.offset[1] / 3);
  });

  it('is the identity when the style asks for nothing', () => {
    const none: WritingStyle = { name: 'none', slant: 0, scale: 1, offset: [0, 0], strokeRadius: 0, elasticity: 0, elasticSmoothing: 1, noise: 0 };
    const rendered = renderShifted(range(0, 5), none, 1);
    const plain = toUnitFloat(digits.images.subarray(0, 5 * PIXELS));
    for (let p = 0; p < plain.length; p++) expect(rendered.pixels[p]).toBeCloseTo(plain[p]!, 6);
  });
});

describe('the style building blocks', () => {
  it('elastic displacements have the requested RMS', () => {
    const field = elasticField(28, 1.5, 3, createRandom(3));
    let power = 0;
    for (let i = 0; i < field.dx.length; i++) power += field.dx[i]! ** 2 + field.dy[i]! ** 2;
    expect(Math.sqrt(power / field.dx.length)).toBeCloseTo(1.5, 4);
  });

  it('grey dilation widens a one-pixel stroke to three', () => {
    const image = new Float32Array(28 * 28);
    for (let y = 5; y < 20; y++) image[y * 28 + 10] = 0.8;
    const bold = greyDilation(image, 28, 1);
    expect([9, 10, 11].map((x) => bold[12 * 28 + x])).toEqual([0.8, 0.8, 0.8].map(Math.fround));
    expect(bold[12 * 28 + 8]).toBe(0);
    expect(bold[4 * 28 + 10]).toBeCloseTo(0.8);
  });
});
