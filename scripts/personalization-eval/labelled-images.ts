/** Images as model input (float32 [0,1], 784 per image, row-major) with their digit labels. */
export interface LabelledImages {
  readonly pixels: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}
