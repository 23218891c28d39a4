/**
 * Resizes a rectangle of a single-channel plane. Separable: each axis shrinks by area
 * averaging (every source pixel contributes by the area it covers, so one-pixel strokes
 * survive a large reduction) and grows by linear interpolation.
 */
import type { InkBox } from './ink-map.ts';

/** For each output index along one axis: which source indices it reads and with what weights. */
interface AxisTaps {
  /** First source index of each output index. */
  readonly starts: Int32Array;
  /** `tapsPerOutput` weights per output index, zero-padded. */
  readonly weights: Float32Array;
  readonly tapsPerOutput: number;
}

function areaTaps(sourceLength: number, outputLength: number): AxisTaps {
  const ratio = sourceLength / outputLength;
  const tapsPerOutput = Math.ceil(ratio) + 1;
  const starts = new Int32Array(outputLength);
  const weights = new Float32Array(outputLength * tapsPerOutput);
  for (let out = 0; out < outputLength; out++) {
    const from = out * ratio;
    const to = Math.min((out + 1) * ratio, sourceLength);
    const first = Math.floor(from);
    starts[out] = first;
    for (let tap = 0; tap < tapsPerOutput && first + tap < to; tap++) {
      const covered = Math.min(first + tap + 1, to) - Math.max(first + tap, from);
      weights[out * tapsPerOutput + tap] = covered / ratio;
    }
  }
  return { starts, weights, tapsPerOutput };
}

function linearTaps(sourceLength: number, outputLength: number): AxisTaps {
  const ratio = sourceLength / outputLength;
  const starts = new Int32Array(outputLength);
  const weights = new Float32Array(outputLength * 2);
  for (let out = 0; out < outputLength; out++) {
    // Pixel centres line up: output centre out+0.5 maps to source centre position.
    const position = Math.min(Math.max((out + 0.5) * ratio - 0.5, 0), sourceLength - 1);
    const first = Math.min(Math.floor(position), Math.max(sourceLength - 2, 0));
    const fraction = sourceLength === 1 ? 0 : position - first;
    starts[out] = first;
    weights[out * 2] = 1 - fraction;
    weights[out * 2 + 1] = fraction;
  }
  return { starts, weights, tapsPerOutput: 2 };
}

function axisTaps(sourceLength: number, outputLength: number): AxisTaps {
  return outputLength <= sourceLength ? areaTaps(sourceLength, outputLength) : linearTaps(sourceLength, outputLength);
}

/**
 * Resamples `region` of `plane` (row-major, `planeWidth` wide) to outputWidth x outputHeight.
 * Weights are convex, so values stay within the source's range.
 */
export function resampleRegion(
  plane: Float32Array,
  planeWidth: number,
  region: InkBox,
  outputWidth: number,
  outputHeight: number,
): Float32Array {
  const columns = axisTaps(region.width, outputWidth);
  const rows = axisTaps(region.height, outputHeight);

  // Pass 1: resize each source row horizontally into an outputWidth x region.height buffer.
  const rowsResized = new Float32Array(outputWidth * region.height);
  for (let y = 0; y < region.height; y++) {
    const sourceRow = (region.top + y) * planeWidth + region.left;
    for (let x = 0; x < outputWidth; x++) {
      const start = sourceRow + columns.starts[x]!;
      const weightBase = x * columns.tapsPerOutput;
      let sum = 0;
      for (let tap = 0; tap < columns.tapsPerOutput; tap++) {
        const weight = columns.weights[weightBase + tap]!;
        if (weight !== 0) sum += weight * plane[start + tap]!;
      }
      rowsResized[y * outputWidth + x] = sum;
    }
  }

  // Pass 2: resize the columns of that buffer vertically.
  const output = new Float32Array(outputWidth * outputHeight);
  for (let y = 0; y < outputHeight; y++) {
    const startRow = rows.starts[y]!;
    const weightBase = y * rows.tapsPerOutput;
    for (let tap = 0; tap < rows.tapsPerOutput; tap++) {
      const weight = rows.weights[weightBase + tap]!;
      if (weight === 0) continue;
      const sourceOffset = (startRow + tap) * outputWidth;
      const outputOffset = y * outputWidth;
      for (let x = 0; x < outputWidth; x++) {
        output[outputOffset + x] = output[outputOffset + x]! + weight * rowsResized[sourceOffset + x]!;
      }
    }
  }
  return output;
}
