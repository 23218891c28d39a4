/**
 * The paired comparison behind the gate: two models classified the same held-out samples.
 * `gained` counts samples only the new model gets right, `lost` those only the old one did; the
 * samples both get right or both get wrong say nothing about which is better.
 */
export interface PairedOutcome {
  readonly total: number;
  readonly baseCorrect: number;
  readonly newCorrect: number;
  readonly gained: number;
  readonly lost: number;
  /** Two-sided exact McNemar p-value: the chance of a split at least this uneven if neither model were better. */
  readonly pValue: number;
  /** 95% interval of the accuracy difference (new - base), normal approximation for paired proportions. */
  readonly differenceInterval: readonly [number, number];
}

export function comparePaired(labels: ArrayLike<number>, base: ArrayLike<number>, next: ArrayLike<number>): PairedOutcome {
  const total = labels.length;
  if (base.length !== total || next.length !== total) throw new RangeError('both models must classify every held-out sample');
  let baseCorrect = 0;
  let newCorrect = 0;
  let gained = 0;
  let lost = 0;
  for (let i = 0; i < total; i++) {
    const oldRight = base[i] === labels[i];
    const newRight = next[i] === labels[i];
    if (oldRight) baseCorrect++;
    if (newRight) newCorrect++;
    if (newRight && !oldRight) gained++;
    if (oldRight && !newRight) lost++;
  }
  const difference = total === 0 ? 0 : (gained - lost) / total;
  const spread = total === 0 ? 0 : Math.sqrt(Math.max(0, gained + lost - (gained - lost) ** 2 / total)) / total;
  return {
    total,
    baseCorrect,
    newCorrect,
    gained,
    lost,
    pValue: exactMcNemar(gained, lost),
    differenceInterval: [difference - 1.96 * spread, difference + 1.96 * spread],
  };
}

/** Two-sided exact (binomial) McNemar test on the discordant counts. */
export function exactMcNemar(gained: number, lost: number): number {
  const n = gained + lost;
  if (n === 0) return 1;
  const k = Math.min(gained, lost);
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n cannot underflow term by term.
  let logTerm = -n * Math.LN2; // log C(n,0) / 2^n
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}
