/**
 * Turns a grayscale plane into an MNIST-style ink map (white ink on black, background 0,
 * strongest stroke 1) and finds the ink's bounding box.
 */

export interface InkBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Below this contrast (a fraction of full scale) between background and strongest ink the image
 * is noise, not a drawing. Model-ready 28x28 arrays use it too: brightest minus darkest pixel.
 */
export const MIN_INK_CONTRAST = 0.05;
/** A pixel counts towards the bounding box above this fraction of the strongest ink (MNIST's digits measure 20 px at this level). */
const INK_THRESHOLD = 0.1;

/** Median of the outermost ring of pixels: what the drawing's background looks like. */
function medianOfBorder(gray: Float32Array, width: number, height: number): number {
  const ringSize = height === 1 || width === 1 ? width * height : 2 * width + 2 * height - 4;
  const ring = new Float32Array(ringSize);
  let count = 0;
  for (let x = 0; x < width; x++) {
    ring[count++] = gray[x]!;
    if (height > 1) ring[count++] = gray[(height - 1) * width + x]!;
  }
  for (let y = 1; y < height - 1; y++) {
    ring[count++] = gray[y * width]!;
    if (width > 1) ring[count++] = gray[y * width + width - 1]!;
  }
  ring.sort();
  const middle = count >> 1;
  return count % 2 === 1 ? ring[middle]! : (ring[middle - 1]! + ring[middle]!) / 2;
}

/**
 * Rewrites `gray` in place into ink intensities in [0,1] and returns the ink's bounding box,
 * or null when the image holds no ink (blank or uniform). A light background means dark ink,
 * so the plane is inverted first.
 */
export function extractInk(gray: Float32Array, width: number, height: number): InkBox | null {
  const background = medianOfBorder(gray, width, height);
  const invert = background > 0.5;
  const backgroundInk = invert ? 1 - background : background;

  let strongestInk = -Infinity;
  for (let i = 0; i < gray.length; i++) {
    const ink = invert ? 1 - gray[i]! : gray[i]!;
    if (ink > strongestInk) strongestInk = ink;
  }
  const contrast = strongestInk - backgroundInk;
  if (!(contrast >= MIN_INK_CONTRAST)) return null;

  // Stretch so the background becomes 0 and the strongest stroke 1, as in MNIST.
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const ink = ((invert ? 1 - gray[i]! : gray[i]!) - backgroundInk) / contrast;
      const clamped = ink < 0 ? 0 : ink > 1 ? 1 : ink;
      gray[i] = clamped;
      if (clamped > INK_THRESHOLD) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}
