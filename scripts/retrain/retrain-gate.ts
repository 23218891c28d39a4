import { GATE_SIGNIFICANCE } from './retrain-config.ts';
import type { PairedOutcome } from './mcnemar.ts';

export interface GateInput {
  readonly mnistAccuracy: number;
  readonly mnistBar: number;
  readonly heldOut: PairedOutcome;
}

export interface GateDecision {
  readonly passed: boolean;
  /** One line per condition, stating the figures and whether it held. */
  readonly reasons: readonly string[];
}

/**
 * A retrained version may be published only if it keeps MNIST accuracy at the bar the shipped
 * checkpoint met and it beats the current version on held-out samples by more than noise: more
 * samples gained than lost, with a two-sided exact McNemar p below GATE_SIGNIFICANCE.
 */
export function decideGate({ mnistAccuracy, mnistBar, heldOut }: GateInput): GateDecision {
  const keepsMnist = mnistAccuracy >= mnistBar;
  const improves = heldOut.gained > heldOut.lost && heldOut.pValue < GATE_SIGNIFICANCE;
  const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
  const [low, high] = heldOut.differenceInterval;
  return {
    passed: keepsMnist && improves,
    reasons: [
      `${keepsMnist ? 'ok' : 'FAILED'}: MNIST test accuracy ${pct(mnistAccuracy)} ${keepsMnist ? '>=' : '<'} the bar ${pct(mnistBar)}`,
      `${improves ? 'ok' : 'FAILED'}: held-out samples ${pct(heldOut.baseCorrect / Math.max(1, heldOut.total))} -> ` +
        `${pct(heldOut.newCorrect / Math.max(1, heldOut.total))} of ${heldOut.total} (${heldOut.gained} gained, ${heldOut.lost} lost; ` +
        `McNemar exact p = ${heldOut.pValue.toPrecision(3)}, ${improves ? '<' : 'not <'} ${GATE_SIGNIFICANCE}; difference 95% CI ${pct(low)} to ${pct(high)})`,
    ],
  };
}
