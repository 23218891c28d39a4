/** A hyperparameter candidate with its mean validation scores. */
export interface Scored<T> {
  readonly item: T;
  /** Mean accuracy on the shifted validation split. */
  readonly shifted: number;
  /** Mean accuracy on held-out original MNIST (forgetting). */
  readonly mnist: number;
  /** Steps per call: the tie-breaker, since fewer steps are faster on the device. */
  readonly cost: number;
}

/**
 * The validation rule: the shifted domain is what the user personalizes for, so take the best
 * shifted accuracy; but any candidate within `tolerance` of it is as good, and among those the
 * one that forgets least wins (then the cheapest).
 */
export function selectCandidate<T>(scored: readonly Scored<T>[], tolerance: number): Scored<T> | undefined {
  if (scored.length === 0) return undefined;
  const best = Math.max(...scored.map((s) => s.shifted));
  const nearBest = scored.filter((s) => s.shifted >= best - tolerance - 1e-12);
  return nearBest.reduce((a, b) => (b.mnist > a.mnist + 1e-12 || (Math.abs(b.mnist - a.mnist) <= 1e-12 && b.cost < a.cost) ? b : a));
}
