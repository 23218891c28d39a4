/**
 * The whole shifted-domain evaluation for one trained model: per K, features once per image;
 * per (K, regularization, k), hyperparameters chosen on validation, then the reported numbers on
 * the test splits over the report draws; finally the SDK defaults derived from validation.
 */
import type * as tf from '@tensorflow/tfjs';
import { PERSONALIZE_DEFAULTS } from '../../sdk/src/personalize/personalize-options.ts';
import type { MnistSplit } from '../data/mnist.ts';
import { buildEvaluationImages, type EvaluationImages, type ImageSetName } from './eval-data.ts';
import type { EvaluationPlan, Hyperparameters, Regularization, RegularizationName } from './eval-plan.ts';
import { featuresOf, type FeatureSet } from './feature-set.ts';
import { headAccuracy } from './head-accuracy.ts';
import { createHeadVariant, type HeadVariant } from './head-variant.ts';
import { recommendDefaults, type CellTuning, type Recommendations } from './recommend-defaults.ts';
import { selectCandidate } from './select-candidate.ts';
import type { TrialSetup } from './personalize-trial.ts';
import { testSetting, type TestResult } from './test-cell.ts';
import { tuneCell, type TuningRecord } from './tune-cell.ts';
import { styleAblation, type AblationRow } from './style-ablation.ts';
import type { WritingStyle } from './writing-style.ts';

export interface Baseline {
  readonly headLayers: number;
  readonly featureSize: number;
  readonly shiftedTest: number;
  readonly mnistTest: number;
  readonly shiftedValidation: number;
  readonly mnistValidation: number;
}

export interface CellResult {
  readonly headLayers: number;
  readonly regularization: RegularizationName;
  readonly k: number;
  readonly chosen: Hyperparameters;
  readonly validation: { readonly shifted: number; readonly mnist: number };
  readonly test: TestResult;
}

export interface DefaultsRun {
  readonly label: string;
  readonly headLayers: number;
  readonly hyper: Hyperparameters;
  readonly perK: readonly { readonly k: number; readonly test: TestResult }[];
}

export interface EvaluationResult {
  readonly plan: EvaluationPlan;
  readonly style: WritingStyle;
  readonly images: EvaluationImages;
  readonly baselines: readonly Baseline[];
  readonly cells: readonly CellResult[];
  readonly tuning: readonly CellTuning[];
  readonly recommendations: Recommendations;
  readonly defaults: readonly DefaultsRun[];
  /** Pretrained accuracy with one style ingredient at a time (when asked for). */
  readonly ablation: readonly AblationRow[];
  readonly seconds: number;
}

export interface EvaluationInput {
  readonly model: tf.LayersModel;
  readonly train: MnistSplit;
  readonly test: MnistSplit;
  readonly plan: EvaluationPlan;
  readonly style: WritingStyle;
  readonly log?: (line: string) => void;
  /** Every candidate's validation scores, for --verbose. */
  readonly logCandidates?: (cell: string, records: readonly TuningRecord[]) => void;
  /** Called once the image sets exist, before any model runs. */
  readonly onImages?: (images: EvaluationImages) => void;
  readonly ablation?: boolean;
}

type FeatureSets = Record<ImageSetName, FeatureSet>;

async function allFeatures(variant: HeadVariant, images: EvaluationImages): Promise<FeatureSets> {
  const entries = await Promise.all(
    (Object.keys(images) as ImageSetName[]).map(async (name) => [name, await featuresOf(variant, images[name])] as const),
  );
  return Object.fromEntries(entries) as FeatureSets;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One row of the table: tune on validation, then report on the test splits with the chosen values. */
async function evaluateCell(
  setup: TrialSetup,
  plan: EvaluationPlan,
  regularization: Regularization,
  k: number,
  sets: FeatureSets,
  input: EvaluationInput,
): Promise<{ cell: CellResult; records: TuningRecord[] }> {
  const headLayers = setup.variant.headLayers;
  const name = `K=${headLayers} ${regularization.name} k=${k}`;
  const records = await tuneCell(setup, plan, regularization, k, { shifted: sets.shiftedValidation, mnist: sets.mnistValidation });
  input.logCandidates?.(name, records);
  const valid = records.filter((r) => !r.diverged);
  const chosen = selectCandidate(
    valid.map((r) => ({ item: r.hyper, shifted: r.shifted, mnist: r.mnist, cost: r.hyper.steps })),
    plan.tolerance,
  );
  if (!chosen) throw new RangeError(`every candidate diverged for ${name}; add smaller learning rates`);
  const test = await testSetting(setup, k, plan.seeds, chosen.item, { shifted: sets.shiftedTest, mnist: sets.mnistTest });
  const h = chosen.item;
  input.log?.(
    `${name}: lr ${h.learningRate}, ${h.steps} steps, l2Sp ${h.l2Sp} (${records.length - valid.length}/${records.length} candidates diverged)` +
      ` -> shifted ${percent(test.shifted.mean)}, MNIST ${percent(test.mnist.mean)}`,
  );
  return {
    cell: { headLayers, regularization: regularization.name, k, chosen: h, validation: { shifted: chosen.shifted, mnist: chosen.mnist }, test },
    records,
  };
}

/** Per K, the SDK's current defaults against the recommended ones, no replay, on the report draws. */
async function compareDefaults(
  recommendations: Recommendations,
  variants: ReadonlyMap<number, { variant: HeadVariant; sets: FeatureSets }>,
  plan: EvaluationPlan,
): Promise<DefaultsRun[]> {
  const current = { learningRate: PERSONALIZE_DEFAULTS.learningRate, steps: PERSONALIZE_DEFAULTS.steps, l2Sp: PERSONALIZE_DEFAULTS.l2Sp };
  const runs: DefaultsRun[] = [];
  for (const recommendation of recommendations.perHeadLayers) {
    const { variant, sets } = variants.get(recommendation.headLayers)!;
    const setup = { variant, pool: sets.pool, plan };
    for (const [label, hyper] of [['current SDK defaults', current], ['recommended', recommendation.hyper]] as const) {
      const perK = [];
      for (const k of plan.kValues) {
        perK.push({ k, test: await testSetting(setup, k, plan.seeds, hyper, { shifted: sets.shiftedTest, mnist: sets.mnistTest }) });
      }
      runs.push({ label, headLayers: recommendation.headLayers, hyper, perK });
    }
  }
  return runs;
}

export async function runEvaluation(input: EvaluationInput): Promise<EvaluationResult> {
  const started = performance.now();
  const { model, plan, style } = input;
  const log = input.log ?? (() => {});
  const images = buildEvaluationImages(input.train, input.test, plan.sizes, style, plan.domainSeed);
  log(`rendered ${Object.values(images).reduce((n, set) => n + set.count, 0)} images (${style.name} domain)`);
  input.onImages?.(images);

  const variants = new Map<number, { variant: HeadVariant; sets: FeatureSets }>();
  const baselines: Baseline[] = [];
  const cells: CellResult[] = [];
  const tuning: CellTuning[] = [];
  let ablation: AblationRow[] = [];
  try {
    for (const headLayers of plan.headLayers) {
      const variant = await createHeadVariant(model, headLayers);
      const sets = await allFeatures(variant, images);
      variants.set(headLayers, { variant, sets });
      const accuracy = (set: FeatureSet) => headAccuracy(variant.runner, set, variant.pretrained, variant.featureSize);
      const baseline: Baseline = {
        headLayers,
        featureSize: variant.featureSize,
        shiftedTest: await accuracy(sets.shiftedTest),
        mnistTest: await accuracy(sets.mnistTest),
        shiftedValidation: await accuracy(sets.shiftedValidation),
        mnistValidation: await accuracy(sets.mnistValidation),
      };
      baselines.push(baseline);
      log(`K=${headLayers} (${variant.featureSize} features): pretrained shifted test ${percent(baseline.shiftedTest)}, MNIST test ${percent(baseline.mnistTest)}`);
      if (input.ablation && baselines.length === 1) {
        ablation = await styleAblation(variant, input.test, plan.sizes.shiftedTest, style, plan.domainSeed);
        log(`one ingredient at a time: ${ablation.map((row) => `${row.ingredient} ${percent(row.accuracy)}`).join(', ')}`);
      }

      for (const regularization of plan.regularizations) {
        const setup = { variant, pool: sets.pool, replayPool: regularization.replay ? sets.replayPool : undefined, plan };
        for (const k of plan.kValues) {
          const { cell, records } = await evaluateCell(setup, plan, regularization, k, sets, input);
          tuning.push({ headLayers, regularization: regularization.name, k, records });
          cells.push(cell);
        }
      }
    }

    const recommendations = recommendDefaults(tuning, plan.tolerance);
    const defaults = await compareDefaults(recommendations, variants, plan);
    return { plan, style, images, baselines, cells, tuning, recommendations, defaults, ablation, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const { variant } of variants.values()) await variant.release();
  }
}
