/**
 * The image forms a classifier accepts, and the model's input geometry.
 * Pure types and constants: safe in a browser main thread, a Web Worker, Node and workerd.
 */

/** The model sees one 28x28 grayscale plane per image (float32 [N,1,28,28]). */
export const MODEL_IMAGE_SIZE = 28;
export const MODEL_PIXEL_COUNT = MODEL_IMAGE_SIZE * MODEL_IMAGE_SIZE;

/** Pixel storage accepted inside an image-like object: uint8 is 0..255, float32 is 0..1 per channel. */
export type ImagePixels = Uint8ClampedArray | Uint8Array | Float32Array;

/**
 * Anything shaped like a browser `ImageData` (which satisfies it as-is), of any size:
 * row-major pixels, `channels` values per pixel (1 gray, 3 RGB, 4 RGBA).
 */
export interface ImageLike {
  readonly data: ImagePixels;
  readonly width: number;
  readonly height: number;
  /** Defaults to data.length / (width * height). */
  readonly channels?: 1 | 3 | 4;
}

/**
 * - `Float32Array(784)`: 28x28 already normalized, values in [0,1], white digit on black.
 * - `Uint8Array(784)` / `Uint8ClampedArray(784)`: 28x28 gray 0..255, white digit on black.
 * - `ImageLike`: any drawing or photo crop, either polarity; preprocessed the way MNIST was made.
 */
export type ClassifierInput = Float32Array | Uint8Array | Uint8ClampedArray | ImageLike;
