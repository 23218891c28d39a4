import { describe, expect, it } from 'vitest';
import { comparePaired } from './mcnemar.ts';
import { decideGate } from './retrain-gate.ts';

/** Held-out outcomes with `gained` fixed and `lost` broken samples among `total`, the rest right for both. */
function outcome(total: number, gained: number, lost: number) {
  const labels = new Array<number>(total).fill(1);
  const base = labels.map((_, i) => (i < gained ? 0 : 1));
  const next = labels.map((_, i) => (i >= gained && i < gained + lost ? 0 : 1));
  return comparePaired(labels, base, next);
}

describe('the retrain gate', () => {
  it('passes a version that keeps MNIST and wins clearly on held-out samples', () => {
    const decision = decideGate({ mnistAccuracy: 0.9941, mnistBar: 0.994, heldOut: outcome(900, 250, 12) });
    expect(decision.passed).toBe(true);
    expect(decision.reasons.every((reason) => reason.startsWith('ok'))).toBe(true);
  });

  it('refuses one below the MNIST bar, however much it gains', () => {
    const decision = decideGate({ mnistAccuracy: 0.9939, mnistBar: 0.994, heldOut: outcome(900, 250, 12) });
    expect(decision.passed).toBe(false);
    expect(decision.reasons[0]).toBe('FAILED: MNIST test accuracy 99.39% < the bar 99.40%');
  });

  it('refuses a gain within noise, and a loss', () => {
    // 9 fixed against 3 broken: p = 0.146.
    const noisy = decideGate({ mnistAccuracy: 0.99, mnistBar: 0.985, heldOut: outcome(200, 9, 3) });
    expect(noisy.passed).toBe(false);
    expect(noisy.reasons[1]).toMatch(/^FAILED: held-out samples .*\(9 gained, 3 lost; McNemar exact p = 0\.146, not < 0\.05/);
    expect(decideGate({ mnistAccuracy: 0.99, mnistBar: 0.985, heldOut: outcome(200, 0, 40) }).passed).toBe(false);
    expect(decideGate({ mnistAccuracy: 0.99, mnistBar: 0.985, heldOut: outcome(0, 0, 0) }).passed).toBe(false);
  });
});
