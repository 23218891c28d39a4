import { describe, expect, it } from 'vitest';
import { comparePaired, exactMcNemar } from './mcnemar.ts';

describe('exact McNemar test', () => {
  it('matches the binomial tail computed by hand', () => {
    // 0 vs 5 discordant: 2 * (1/2)^5
    expect(exactMcNemar(5, 0)).toBeCloseTo(2 / 32, 12);
    // 1 vs 9: 2 * (1 + 10) / 2^10
    expect(exactMcNemar(9, 1)).toBeCloseTo(22 / 1024, 12);
    expect(exactMcNemar(3, 3)).toBe(1);
    expect(exactMcNemar(0, 0)).toBe(1);
  });

  it('stays finite and symmetric for thousands of discordant pairs', () => {
    const p = exactMcNemar(1100, 1000);
    expect(p).toBeGreaterThan(0.02);
    expect(p).toBeLessThan(0.04);
    expect(exactMcNemar(1000, 1100)).toBeCloseTo(p, 12);
    expect(exactMcNemar(3000, 0)).toBe(0);
  });
});

describe('comparePaired', () => {
  it('counts what only the new model gets right and only the base got right', () => {
    const labels = [0, 1, 2, 3, 4, 5];
    const base = [0, 1, 9, 9, 9, 5];
    const next = [0, 9, 2, 3, 4, 5];
    const outcome = comparePaired(labels, base, next);
    expect(outcome).toMatchObject({ total: 6, baseCorrect: 3, newCorrect: 5, gained: 3, lost: 1 });
    expect(outcome.pValue).toBeCloseTo(exactMcNemar(3, 1), 12);
    const [low, high] = outcome.differenceInterval;
    expect(low).toBeLessThan(2 / 6);
    expect(high).toBeGreaterThan(2 / 6);
  });

  it('refuses predictions that do not cover every sample', () => {
    expect(() => comparePaired([1, 2], [1], [1, 2])).toThrow(RangeError);
  });
});
