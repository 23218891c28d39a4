/** The spread of one contender's samples: the median plus the 10th and 90th percentiles. */
export interface SampleSummary {
  readonly n: number;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
}

/** Percentile by linear interpolation between the closest ranks of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (position - lower);
}

export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new RangeError('summarize: no samples (was --rounds 0?)');
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: percentile(sorted, 0.5), p10: percentile(sorted, 0.1), p90: percentile(sorted, 0.9) };
}
