/** Mean, min and max over seeds: the spread says how much a result depends on the draw. */
export interface Stat {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Robust to one slow outlier (a busy machine), hence the timing column. */
  readonly median: number;
}

export function stat(values: readonly number[]): Stat {
  if (values.length === 0) return { mean: Number.NaN, min: Number.NaN, max: Number.NaN, median: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: sorted[0]!, max: sorted[sorted.length - 1]!, median };
}

export function mean(values: readonly number[]): number {
  return stat(values).mean;
}
