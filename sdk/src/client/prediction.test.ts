import { describe, expect, it } from 'vitest';
import { toPredictions } from './prediction.ts';

const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function rows(...probabilities: number[][]): Float32Array {
  return Float32Array.from(probabilities.flat());
}

describe('toPredictions', () => {
  const probs = rows([0.05, 0.1, 0.5, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05], [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.2, 0.03, 0.7]);

  it('ranks the top-k labels of every row, best first, with the arg-max as the prediction', () => {
    const [first, second] = toPredictions(probs, LABELS, 2, 3);
    expect(first!.label).toBe('2');
    expect(first!.confidence).toBeCloseTo(0.5, 6);
    expect(first!.top.map((entry) => entry.index)).toEqual([2, 1, 0]);
    expect(second!.top.map((entry) => entry.label)).toEqual(['9', '7', '8']);
    expect(second!.index).toBe(9);
  });

  it('keeps the first of tied scores ahead, so the order is stable', () => {
    const [tied] = toPredictions(rows([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]), LABELS, 1, 4);
    expect(tied!.top.map((entry) => entry.index)).toEqual([0, 1, 2, 3]);
  });

  it('gives all labels in descending order for topK = labels.length', () => {
    const [first] = toPredictions(probs, LABELS, 2, 10);
    const scores = first!.top.map((entry) => entry.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(first!.top.map((entry) => entry.index)).size).toBe(10);
  });

  it('exposes each row’s scores as a view of that row', () => {
    const [, second] = toPredictions(probs, LABELS, 2, 1);
    expect(second!.scores).toHaveLength(10);
    expect(Array.from(second!.scores)).toEqual(Array.from(probs.subarray(10, 20)));
  });
});
