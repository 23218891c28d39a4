import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from '../../test/support/tfjs-cpu-backend.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, takeFirst, type MnistSplit } from '../data/mnist.ts';
import { buildCnn } from '../export/test-fixtures.ts';
import { DEFAULT_PLAN, type EvaluationPlan } from './eval-plan.ts';
import { markdownReport } from './markdown-report.ts';
import { runEvaluation } from './run-evaluation.ts';
import { SHIFTED_STYLE } from './writing-style.ts';

let train: MnistSplit;
let test: MnistSplit;
beforeAll(async () => {
  await useTfjsCpuBackend();
  train = takeFirst(await loadMnistSplit('train'), 500);
  test = takeFirst(await loadMnistSplit('test'), 100);
});

const MICRO_PLAN: EvaluationPlan = {
  ...DEFAULT_PLAN,
  kValues: [1],
  learningRates: [0.05],
  stepCounts: [2, 3],
  seeds: [1],
  tuningSeeds: [101],
  replayPerClass: 2,
  sizes: { pool: 200, shiftedValidation: 40, shiftedTest: 60, mnistTest: 60, mnistValidation: 40, replayPool: 150 },
};

describe('runEvaluation', () => {
  it('completes a micro run (k=1, 2-3 steps) over every K and regularization and reports it', async () => {
    const result = await runEvaluation({ model: buildCnn(['valid', 'valid'], 5), train, test, plan: MICRO_PLAN, style: SHIFTED_STYLE });
    expect(result.cells).toHaveLength(DEFAULT_PLAN.headLayers.length * DEFAULT_PLAN.regularizations.length);
    for (const cell of result.cells) {
      expect(cell.test.diverged).toBe(0);
      for (const value of [cell.test.shifted.mean, cell.test.mnist.mean]) expect(value).toBeGreaterThanOrEqual(0);
      expect(cell.test.shifted.mean).toBeLessThanOrEqual(1);
      expect(cell.test.milliseconds.mean).toBeGreaterThan(0);
    }
    expect(result.recommendations.overall).toBeDefined();
    expect(result.recommendations.perHeadLayers.map((r) => r.headLayers)).toEqual([1, 2]);
    const report = markdownReport(result, 'micro CNN');
    expect(report).toContain('| K | regularization | k per class |');
    expect(report.match(/^\| [12] \| (none|L2-SP|replay|L2-SP \+ replay) \| 1 \|/gm)).toHaveLength(result.cells.length);
    expect(report).toContain('**Recommended SDK defaults:**');
  });
});
