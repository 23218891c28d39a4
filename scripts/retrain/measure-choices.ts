/**
 * Measures retrain choices (which layers, how much replay, learning rate) on a shifted-style
 * sample set, offline: `npx tsx scripts/retrain/measure-choices.ts --model mnist-cnn`.
 * Prints a markdown table: held-out sample accuracy, MNIST test accuracy, seconds. `--only 3,13`
 * runs only those rows of CHOICES (0-based).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../cli.ts';
import { loadMnistSplit, takeFirst, type MnistSplit } from '../data/mnist.ts';
import { formatSeconds, ProgressBar } from '../train/progress-bar.ts';
import { loadLayersModel } from '../train/tfjs-model-files.ts';
import { evaluateTfjs } from '../train/train-loop.ts';
import { useWasmBackend } from '../train/wasm-backend.ts';
import { gatherBatch } from '../train/augment.ts';
import { fineTune } from './fine-tune.ts';
import { DEFAULT_RETRAIN_CONFIG, type RetrainConfig } from './retrain-config.ts';
import { shiftedSamples, UNSEEN_TRAIN_START } from './shifted-samples.ts';

const LABELS = { replayTargets: 'labels' } as const;
const CHOICES: ReadonlyArray<Partial<RetrainConfig>> = [
  { ...LABELS, layers: 'head', replayRatio: 3 },
  { ...LABELS, layers: 'dense', replayRatio: 0 },
  { ...LABELS, layers: 'dense', replayRatio: 1 },
  { ...LABELS, layers: 'dense', replayRatio: 3 },
  { ...LABELS, layers: 'dense', replayRatio: 3, epochs: 3 },
  { ...LABELS, layers: 'all', replayRatio: 3 },
  { ...LABELS, layers: 'all', replayRatio: 3, learningRate: 1e-4 },
  { ...LABELS, layers: 'dense', replayRatio: 10 },
  { ...LABELS, layers: 'dense', replayRatio: 10, learningRate: 2e-4 },
  { ...LABELS, layers: 'dense', replayRatio: 3, learningRate: 2e-4 },
  { ...LABELS, layers: 'all', replayRatio: 10, learningRate: 1e-4 },
  { ...LABELS, layers: 'all', replayRatio: 10, learningRate: 2e-4, epochs: 4 },
  { layers: 'dense', replayRatio: 3 },
  { layers: 'dense', replayRatio: 10 },
  { layers: 'all', replayRatio: 3 },
  { layers: 'head', replayRatio: 3 },
];

const floats = (split: MnistSplit) => gatherBatch(split.images, Array.from({ length: split.count }, (_, i) => i), undefined);

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'mnist-cnn' },
      samples: { type: 'string', default: '2000' },
      'held-out': { type: 'string', default: '1000' },
      only: { type: 'string' },
    },
  });
  const trainCount = Number(values.samples);
  const heldOutCount = Number(values['held-out']);
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  await useWasmBackend();
  const samples = shiftedSamples(train, { count: trainCount });
  const heldOut = shiftedSamples(train, { count: heldOutCount, offset: trainCount });
  const replay = takeFirst(train, UNSEEN_TRAIN_START);
  const source = join('models', values.model, 'training');

  const base = await loadLayersModel(source);
  const before = { heldOut: evaluateTfjs(base, floats(heldOut), heldOut.labels).accuracy, mnist: evaluateTfjs(base, floats(test), test.labels).accuracy };
  base.dispose();
  const rows = [`| layers | replay per sample | epochs | learning rate | held-out shifted | MNIST test | seconds |`, `|---|---|---|---|---|---|---|`];
  rows.push(`| (base ${values.model}) | | | | ${pct(before.heldOut)} | ${pct(before.mnist)} | |`);
  const choices = values.only ? CHOICES.filter((_, i) => values.only!.split(',').includes(String(i))) : CHOICES;
  for (const choice of choices) {
    const config = { ...DEFAULT_RETRAIN_CONFIG, ...choice };
    const model = await loadLayersModel(source);
    const teacher = await loadLayersModel(source);
    const started = performance.now();
    let bar: ProgressBar | undefined;
    fineTune(model, { samples, replay, heldOut, teacher }, config, {
      onBatch(epoch, batch, batches, loss) {
        bar ??= new ProgressBar(`${config.layers} r${config.replayRatio} e${epoch}/${config.epochs}`, batches);
        bar.update(batch, `loss ${loss.toFixed(4)}`);
      },
      onEpoch(m) {
        bar?.finish(`held-out ${pct(m.valAccuracy)}`);
        bar = undefined;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const after = { heldOut: evaluateTfjs(model, floats(heldOut), heldOut.labels).accuracy, mnist: evaluateTfjs(model, floats(test), test.labels).accuracy };
    model.dispose();
    teacher.dispose();
    const row = `| ${config.layers} | ${config.replayRatio} (${config.replayTargets}) | ${config.epochs} | ${config.learningRate} | ${pct(after.heldOut)} | ${pct(after.mnist)} | ${formatSeconds(seconds)} |`;
    console.error(row);
    rows.push(row);
  }
  console.log(`${values.model}: ${trainCount} shifted training samples, ${heldOutCount} held out\n${rows.join('\n')}`);
});

function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}
