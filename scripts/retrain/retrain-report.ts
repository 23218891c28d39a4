import { formatSeconds } from '../train/progress-bar.ts';
import type { FineTuneEpoch } from './fine-tune.ts';
import type { GateDecision } from './retrain-gate.ts';
import type { PairedOutcome } from './mcnemar.ts';
import type { RetrainConfig } from './retrain-config.ts';
import type { SkipReason } from './exported-sample.ts';

export interface RetrainSummary {
  readonly model: string;
  readonly baseVersion: string;
  readonly version: string;
  readonly from: string;
  readonly cursor: { readonly after: number; readonly through: number };
  readonly exported: number;
  readonly skipped: Partial<Record<SkipReason, number>>;
  readonly trainSamples: number;
  readonly heldOutSamples: number;
  readonly replayImages: number;
  readonly config: RetrainConfig;
  readonly history: readonly FineTuneEpoch[];
  readonly trainingSeconds: number;
  readonly baseMnistAccuracy: number;
  readonly mnistAccuracy: number;
  readonly mnistBar: number;
  readonly heldOut: PairedOutcome;
  readonly gate: GateDecision;
}

const pct = (value: number) => `${(value * 100).toFixed(2)}%`;

/** The retrain's report in markdown: what went in, how it trained, and what the gate decided on which figures. */
export function retrainReportMarkdown(s: RetrainSummary): string {
  const skipped = Object.entries(s.skipped).map(([reason, count]) => `${count} ${reason}`).join(', ') || 'none';
  const { config } = s;
  const lines = [
    `# Retrain of ${s.model}: ${s.baseVersion} -> ${s.version}`,
    '',
    `**Gate: ${s.gate.passed ? 'passed' : 'refused'}.**`,
    '',
    ...s.gate.reasons.map((reason) => `- ${reason}`),
    '',
    '## Data',
    '',
    `- Export of ${s.from}: seq ${s.cursor.after + 1} through ${s.cursor.through}, ${s.exported} lines; skipped: ${skipped}.`,
    `- Split per label (seed ${config.seed}, ${pct(config.heldOutFraction)} held out): ${s.trainSamples} to train on, ${s.heldOutSamples} held out for the gate.`,
    `- MNIST replay: ${s.replayImages} training images per epoch (${config.replayRatio} per sample), drawn afresh each epoch, trained towards ${config.replayTargets === 'labels' ? 'their labels' : "the base model's predictions (distillation)"}.`,
    '',
    '## Training',
    '',
    `- Layers trained: ${config.layers}; ${config.epochs} epochs, batch ${config.batchSize}, Adam from ${config.learningRate} ` +
      `(cosine to a twentieth), augmentation ${config.augment ? 'on' : 'off'}; BatchNorm statistics frozen; the last epoch is kept.`,
    `- ${formatSeconds(s.trainingSeconds)} of training.`,
    '',
    '| epoch | loss | train accuracy | held-out accuracy (watched, not used to choose) | accuracy on 2,000 MNIST validation originals |',
    '|---|---|---|---|---|',
    ...s.history.map(
      (m) => `| ${m.epoch} | ${m.loss.toFixed(4)} | ${pct(m.accuracy)} | ${pct(m.valAccuracy)} | ${m.mnistAccuracy === undefined ? '' : pct(m.mnistAccuracy)} |`,
    ),
    '',
    '![loss and accuracy per epoch](report.svg)',
    '',
    '## Gate figures (ONNX Runtime on the exported model.onnx)',
    '',
    '| | base | new |',
    '|---|---|---|',
    `| MNIST test (10,000) | ${pct(s.baseMnistAccuracy)} | ${pct(s.mnistAccuracy)} (bar ${pct(s.mnistBar)}) |`,
    `| held-out samples (${s.heldOut.total}) | ${pct(s.heldOut.baseCorrect / Math.max(1, s.heldOut.total))} | ${pct(s.heldOut.newCorrect / Math.max(1, s.heldOut.total))} |`,
    '',
    `On the held-out samples the new version gets ${s.heldOut.gained} right that the base got wrong and loses ${s.heldOut.lost}; ` +
      `the two-sided exact McNemar test gives p = ${s.heldOut.pValue.toPrecision(3)} ` +
      `(95% interval of the difference ${pct(s.heldOut.differenceInterval[0])} to ${pct(s.heldOut.differenceInterval[1])}).`,
    '',
  ];
  return lines.join('\n');
}
