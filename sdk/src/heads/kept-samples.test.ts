import { describe, expect, it } from 'vitest';
import { PERSONALIZE_DEFAULTS } from '../personalize/personalize-options.ts';
import { appendKept, keptForModel, MAX_KEPT_SAMPLES } from './kept-samples.ts';

const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function batch(count: number, first: number): { pixels: Float32Array; labels: Int32Array } {
  const pixels = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    pixels.fill(((first + i) % 256) / 255, i * 784, (i + 1) * 784);
    labels[i] = (first + i) % 10;
  }
  return { pixels, labels };
}

describe('kept samples', () => {
  it('quantize model-ready pixels to bytes and back within half a step, labels by name', () => {
    const { pixels } = batch(1, 0);
    pixels[0] = 0.5;
    pixels[1] = 1.7; // out of range: clamped
    const kept = appendKept(undefined, { pixels, labels: Int32Array.of(7) }, LABELS, PERSONALIZE_DEFAULTS);
    expect(kept.labels).toEqual(['7']);
    expect([kept.pixels[0], kept.pixels[1]]).toEqual([128, 255]);
    const back = keptForModel(kept, LABELS);
    expect(Math.abs(back.pixels[0]! - 0.5)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(Array.from(back.labels)).toEqual([7]);
  });

  it(`keep the ${MAX_KEPT_SAMPLES} most recent samples across personalizations`, () => {
    let kept = appendKept(undefined, batch(600, 0), LABELS, PERSONALIZE_DEFAULTS);
    kept = appendKept(kept, batch(600, 600), LABELS, { ...PERSONALIZE_DEFAULTS, steps: 5 });
    expect(kept.labels).toHaveLength(MAX_KEPT_SAMPLES);
    expect(kept.pixels).toHaveLength(MAX_KEPT_SAMPLES * 784);
    // The first kept is sample 200: its pixels and label moved together.
    expect([kept.labels[0], kept.pixels[0], kept.pixels[784 * MAX_KEPT_SAMPLES - 1]]).toEqual(['0', 200, 1199 % 256]);
    expect(kept.settings.steps).toBe(5);
  });

  it('give a new version only the samples whose label it has, mapped to its label order', () => {
    const kept = appendKept(undefined, batch(4, 0), LABELS, PERSONALIZE_DEFAULTS);
    const renamed = keptForModel(kept, ['3', 'one', '0', '2']);
    expect(Array.from(renamed.labels)).toEqual([2, 3, 0]);
    expect(renamed.pixels).toHaveLength(3 * 784);
  });
});
