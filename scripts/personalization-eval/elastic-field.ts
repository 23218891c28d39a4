/**
 * Elastic distortion (a smoothed random displacement field): independent uniform displacements
 * per pixel, blurred with a Gaussian so neighbours move together, then rescaled to a fixed RMS so
 * every digit wobbles by the same amount whatever the draw.
 */
export interface DisplacementField {
  readonly dx: Float32Array;
  readonly dy: Float32Array;
}

function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = Float32Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = kernel.reduce((a, b) => a + b, 0);
  return kernel.map((v) => v / sum);
}

/** Separable blur of a size x size grid; outside the grid counts as zero displacement. */
function blur(values: Float32Array, size: number, kernel: Float32Array): Float32Array {
  const radius = (kernel.length - 1) / 2;
  const rows = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const xi = x + k;
        if (xi >= 0 && xi < size) sum += kernel[k + radius]! * values[y * size + xi]!;
      }
      rows[y * size + x] = sum;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const yi = y + k;
        if (yi >= 0 && yi < size) sum += kernel[k + radius]! * rows[yi * size + x]!;
      }
      out[y * size + x] = sum;
    }
  }
  return out;
}

export function elasticField(size: number, rms: number, smoothing: number, random: () => number): DisplacementField {
  const count = size * size;
  const kernel = gaussianKernel(smoothing);
  const dx = blur(Float32Array.from({ length: count }, () => random() * 2 - 1), size, kernel);
  const dy = blur(Float32Array.from({ length: count }, () => random() * 2 - 1), size, kernel);
  let power = 0;
  for (let i = 0; i < count; i++) power += dx[i]! ** 2 + dy[i]! ** 2;
  const factor = power > 0 ? rms / Math.sqrt(power / count) : 0;
  for (let i = 0; i < count; i++) {
    dx[i] = dx[i]! * factor;
    dy[i] = dy[i]! * factor;
  }
  return { dx, dy };
}
