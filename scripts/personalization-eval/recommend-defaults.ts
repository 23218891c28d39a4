/**
 * SDK defaults from the tuning records: one (K, steps, learningRate, l2Sp) for every k, since a
 * default cannot know how many samples a user brings. Only settings without replay compete (a
 * replay set is data the caller supplies, not an option default). Same rule as per cell, on the
 * validation scores averaged over k; a candidate that diverged at any k is out.
 */
import type { Hyperparameters, RegularizationName } from './eval-plan.ts';
import { selectCandidate } from './select-candidate.ts';
import { mean } from './stat.ts';
import type { TuningRecord } from './tune-cell.ts';

export interface CellTuning {
  readonly headLayers: number;
  readonly regularization: RegularizationName;
  readonly k: number;
  readonly records: readonly TuningRecord[];
}

export interface Recommendation {
  readonly headLayers: number;
  readonly hyper: Hyperparameters;
  /** Validation accuracies averaged over k. */
  readonly shifted: number;
  readonly mnist: number;
}

const DEFAULT_CANDIDATES: readonly RegularizationName[] = ['none', 'L2-SP'];

export interface Recommendations {
  /** The validation winner over every K. */
  readonly overall: Recommendation | undefined;
  /** The best setting for each K, for callers who export a different head depth. */
  readonly perHeadLayers: readonly Recommendation[];
}

function pick(groups: readonly Group[], tolerance: number): Recommendation | undefined {
  const scored = groups
    .filter((g) => g.records.every((r) => !r.diverged))
    .map((g) => ({
      item: g,
      shifted: mean(g.records.map((r) => r.shifted)),
      mnist: mean(g.records.map((r) => r.mnist)),
      // Fewer steps, then the smaller head: both are cheaper on the device.
      cost: g.hyper.steps * 10 + g.headLayers,
    }));
  const chosen = selectCandidate(scored, tolerance);
  return chosen && { headLayers: chosen.item.headLayers, hyper: chosen.item.hyper, shifted: chosen.shifted, mnist: chosen.mnist };
}

interface Group {
  readonly headLayers: number;
  readonly hyper: Hyperparameters;
  readonly records: TuningRecord[];
}

export function recommendDefaults(tuning: readonly CellTuning[], tolerance: number): Recommendations {
  const groups = new Map<string, Group>();
  for (const cell of tuning) {
    if (!DEFAULT_CANDIDATES.includes(cell.regularization)) continue;
    for (const record of cell.records) {
      const { learningRate, steps, l2Sp } = record.hyper;
      const key = `${cell.headLayers}/${learningRate}/${steps}/${l2Sp}`;
      const group = groups.get(key) ?? { headLayers: cell.headLayers, hyper: record.hyper, records: [] };
      group.records.push(record);
      groups.set(key, group);
    }
  }
  const all = [...groups.values()];
  const headLayers = [...new Set(all.map((g) => g.headLayers))].sort((a, b) => a - b);
  return {
    overall: pick(all, tolerance),
    perHeadLayers: headLayers.flatMap((k) => pick(all.filter((g) => g.headLayers === k), tolerance) ?? []),
  };
}
