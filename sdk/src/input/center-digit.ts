/**
 * Lays out an ink map the way MNIST's digits were: the ink's bounding box scaled to fit
 * a 20x20 box (aspect ratio kept), then placed in the 28x28 frame so that its centre of
 * mass falls on the frame's centre.
 */
import { MODEL_IMAGE_SIZE } from './classifier-input.ts';
import type { InkBox } from './ink-map.ts';
import { resampleRegion } from './resample.ts';

const DIGIT_BOX_SIZE = 20;
/** Measured on MNIST's test set: the mean centre of mass is (14.0, 14.0) in pixel indices. */
const FRAME_CENTRE = MODEL_IMAGE_SIZE / 2;

/**
 * Writes the 28x28 model image of the ink inside `box` into `output` (28*28 values, zeroed).
 * `ink` is a row-major plane `inkWidth` wide with values in [0,1].
 */
export function centerDigit(ink: Float32Array, inkWidth: number, box: InkBox, output: Float32Array): void {
  const scale = DIGIT_BOX_SIZE / Math.max(box.width, box.height);
  const digitWidth = Math.min(DIGIT_BOX_SIZE, Math.max(1, Math.round(box.width * scale)));
  const digitHeight = Math.min(DIGIT_BOX_SIZE, Math.max(1, Math.round(box.height * scale)));
  const digit = resampleRegion(ink, inkWidth, box, digitWidth, digitHeight);

  let mass = 0;
  let momentX = 0;
  let momentY = 0;
  for (let y = 0, i = 0; y < digitHeight; y++) {
    for (let x = 0; x < digitWidth; x++, i++) {
      const value = digit[i]!;
      mass += value;
      momentX += value * x;
      momentY += value * y;
    }
  }
  // The box holds ink by construction; the geometric centre is only a guard against a zero mass.
  const centreX = mass > 0 ? momentX / mass : (digitWidth - 1) / 2;
  const centreY = mass > 0 ? momentY / mass : (digitHeight - 1) / 2;
  const shiftX = Math.round(FRAME_CENTRE - centreX);
  const shiftY = Math.round(FRAME_CENTRE - centreY);

  // Copy with clipping: a lopsided digit may be pushed partly out of the frame, as in MNIST.
  const firstX = Math.max(0, -shiftX);
  const lastX = Math.min(digitWidth, MODEL_IMAGE_SIZE - shiftX);
  const firstY = Math.max(0, -shiftY);
  const lastY = Math.min(digitHeight, MODEL_IMAGE_SIZE - shiftY);
  for (let y = firstY; y < lastY; y++) {
    const outputRow = (y + shiftY) * MODEL_IMAGE_SIZE + shiftX;
    for (let x = firstX; x < lastX; x++) {
      const value = digit[y * digitWidth + x]!;
      output[outputRow + x] = value > 1 ? 1 : value;
    }
  }
}
