/**
 * Shifted-domain personalization evaluation (issue 4, Quality): how much few-shot personalization
 * with the SDK's own loop recovers on a new writing style, for K = 1/2 head layers, with and
 * without L2-SP and replay, and how much MNIST it forgets. Prints a Markdown report.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { defaultMnistDir, loadMnistSplit, PIXELS } from './data/mnist.ts';
import { asciiRow } from './personalization-eval/ascii-art.ts';
import { DEFAULT_PLAN, type EvaluationPlan } from './personalization-eval/eval-plan.ts';
import { markdownReport } from './personalization-eval/markdown-report.ts';
import type { EvaluationImages } from './personalization-eval/eval-data.ts';
import { runEvaluation } from './personalization-eval/run-evaluation.ts';
import type { TuningRecord } from './personalization-eval/tune-cell.ts';
import { SHIFTED_STYLE } from './personalization-eval/writing-style.ts';
import { loadLayersModel } from './train/tfjs-model-files.ts';

const USAGE = `usage: npm run evaluate:personalization -- [--model mnist-cnn] [--models-dir models] [--out FILE]
       [--k 1,5,10,20] [--head-layers 1,2] [--seeds 1,2,3] [--data DIR] [--ablation] [--verbose]`;

function integerList(name: string, raw: string | undefined, fallback: readonly number[]): readonly number[] {
  if (raw === undefined) return fallback;
  const values = raw.split(',').map(Number);
  if (values.length === 0 || !values.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`--${name} must be a comma-separated list of positive integers, got "${raw}"`);
  }
  return values;
}

async function modelLabel(directory: string, name: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')) as { version?: string };
    return `${name} ${manifest.version ?? ''} (${directory})`.replace('  ', ' ');
  } catch {
    return `${name} (${directory})`;
  }
}

/** A few shifted digits beside their originals (120 columns), so a reader can judge the style is still legible. */
function styleSamples(images: EvaluationImages, styleName: string, count = 4): string {
  const { shiftedTest, mnistTest } = images;
  const n = Math.min(count, shiftedTest.count, mnistTest.count);
  return Array.from({ length: n }, (_, i) =>
    asciiRow([
      { image: mnistTest.pixels, offset: i * PIXELS, caption: `MNIST test #${i}: ${mnistTest.labels[i]}` },
      { image: shiftedTest.pixels, offset: i * PIXELS, caption: `${styleName} #${i}: ${shiftedTest.labels[i]}` },
    ]),
  ).join('\n\n');
}

function formatCandidates(cell: string, records: readonly TuningRecord[]): string {
  const pct = (x: number) => (Number.isNaN(x) ? '  -  ' : (x * 100).toFixed(1).padStart(5));
  const lines = records.map(
    ({ hyper, shifted, mnist, diverged }) =>
      `  lr ${String(hyper.learningRate).padEnd(5)} steps ${String(hyper.steps).padStart(3)} l2Sp ${String(hyper.l2Sp).padEnd(4)}  ` +
      (diverged ? 'diverged' : `shifted val ${pct(shifted)}%  MNIST val ${pct(mnist)}%`),
  );
  return [`${cell} candidates:`, ...lines].join('\n');
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'mnist-cnn' },
      'models-dir': { type: 'string', default: 'models' },
      out: { type: 'string' },
      k: { type: 'string' },
      'head-layers': { type: 'string' },
      seeds: { type: 'string' },
      data: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      ablation: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const plan: EvaluationPlan = {
    ...DEFAULT_PLAN,
    kValues: integerList('k', values.k, DEFAULT_PLAN.kValues),
    headLayers: integerList('head-layers', values['head-layers'], DEFAULT_PLAN.headLayers),
    seeds: integerList('seeds', values.seeds, DEFAULT_PLAN.seeds),
  };
  const directory = join(values['models-dir'], values.model);
  const trainingDir = join(directory, 'training');
  const model = await loadLayersModel(trainingDir).catch((error: unknown) => {
    throw new RangeError(
      `cannot load the tfjs source model from ${trainingDir} (${(error as Error).message}); ` +
        'train one with `npm run train -- --model cnn` or pass --models-dir',
    );
  });
  const dataDir = values.data ?? defaultMnistDir();
  const [train, test] = await Promise.all([loadMnistSplit('train', dataDir), loadMnistSplit('test', dataDir)]);

  const result = await runEvaluation({
    model,
    train,
    test,
    plan,
    style: SHIFTED_STYLE,
    ablation: values.ablation,
    log: (line) => console.error(line),
    onImages: values.verbose ? (images) => console.error(`\n${styleSamples(images, SHIFTED_STYLE.name)}\n`) : undefined,
    logCandidates: values.verbose ? (cell, records) => console.error(formatCandidates(cell, records)) : undefined,
  });
  const report = markdownReport(result, await modelLabel(directory, values.model));
  console.log(report);
  console.error(`done in ${result.seconds.toFixed(0)} s`);
  if (values.out) {
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, report);
    console.error(`wrote ${values.out}`);
  }
});
