import { describe, expect, it } from 'vitest';
import { resampleRegion } from './resample.ts';

const sum = (values: Float32Array) => values.reduce((total, value) => total + value, 0);

describe('resampleRegion', () => {
  it('keeps a constant plane constant when shrinking and enlarging', () => {
    const plane = new Float32Array(30 * 30).fill(0.25);
    const region = { left: 0, top: 0, width: 30, height: 30 };
    for (const size of [1, 7, 20, 30, 45]) {
      for (const value of resampleRegion(plane, 30, region, size, size)) expect(value).toBeCloseTo(0.25, 6);
    }
  });

  it('keeps a one-pixel stroke when shrinking 10x, with its ink preserved by area', () => {
    const plane = new Float32Array(100 * 100);
    for (let y = 0; y < 100; y++) plane[y * 100 + 37] = 1;
    const region = { left: 0, top: 0, width: 100, height: 100 };
    const output = resampleRegion(plane, 100, region, 10, 10);
    // Point sampling would miss column 37 entirely; area averaging spreads it over column 3.
    for (let y = 0; y < 10; y++) expect(output[y * 10 + 3]).toBeCloseTo(0.1, 6);
    expect(sum(output) * 100).toBeCloseTo(sum(plane), 3);
  });

  it('reads only the requested region', () => {
    const plane = new Float32Array(6 * 4).fill(1);
    plane.fill(0, 6, 6 + 3);
    const output = resampleRegion(plane, 6, { left: 0, top: 1, width: 3, height: 1 }, 6, 2);
    expect([...output]).toEqual(new Array(12).fill(0));
  });

  it('interpolates linearly when enlarging', () => {
    const plane = Float32Array.of(0, 1);
    const output = resampleRegion(plane, 2, { left: 0, top: 0, width: 2, height: 1 }, 4, 1);
    expect([...output]).toEqual([0, 0.25, 0.75, 1]);
  });
});
