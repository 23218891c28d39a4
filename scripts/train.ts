import * as tf from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { defaultMnistDir, loadMnistSplit, takeFirst } from './data/mnist.ts';
import { ARCHITECTURES, isArchitectureName, type ArchitectureName } from './train/architectures.ts';
import { formatSeconds, ProgressBar } from './train/progress-bar.ts';
import { serializeLayersModel } from './train/tfjs-model-files.ts';
import { exportCheckpoint } from './export/export-checkpoint.ts';
import { evaluateOnnxModel } from './evaluate/evaluate-onnx.ts';
import { defaultConfig, trainModel, type TrainConfig } from './train/train-loop.ts';
import { trainingCurveSvg } from './train/training-curve.ts';
import { useWasmBackend } from './train/wasm-backend.ts';

const USAGE = `usage: npm run train -- --model mlp|cnn|all [--epochs N] [--seed S] [--out DIR]
       [--batch-size N] [--learning-rate LR] [--limit N] [--validation N] [--no-augment]
       [--head-layers K] [--version SEMVER] [--data DIR]`;

function positiveInteger(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

function positiveNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'models' },
      'batch-size': { type: 'string' },
      'learning-rate': { type: 'string' },
      limit: { type: 'string' },
      validation: { type: 'string' },
      'no-augment': { type: 'boolean', default: false },
      'head-layers': { type: 'string', default: '1' },
      version: { type: 'string', default: '1.0.0' },
      data: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const requested = values.model;
  if (!requested) throw new RangeError(`--model is required\n${USAGE}`);
  if (requested !== 'all' && !isArchitectureName(requested)) {
    throw new RangeError(`unknown --model "${requested}": expected one of mlp, cnn, all\n${USAGE}`);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`--seed must be a non-negative integer, got "${values.seed}"`);
  if (!/^\d+\.\d+\.\d+$/.test(values.version)) throw new RangeError(`--version must be semver like 1.2.0, got "${values.version}"`);
  const headLayers = positiveInteger('head-layers', values['head-layers'])!;
  const limit = positiveInteger('limit', values.limit);
  const names: ArchitectureName[] = requested === 'all' ? ['mlp', 'cnn'] : [requested as ArchitectureName];

  const dataDir = values.data ?? defaultMnistDir();
  const [fullTrain] = await Promise.all([loadMnistSplit('train', dataDir), loadMnistSplit('test', dataDir)]);
  const train = limit ? takeFirst(fullTrain, limit) : fullTrain;
  await useWasmBackend();

  for (const name of names) {
    const base = defaultConfig(name);
    const validationSize = positiveInteger('validation', values.validation) ?? (limit ? Math.max(1, Math.floor(train.count / 6)) : base.validationSize);
    const config: TrainConfig = {
      ...base,
      epochs: positiveInteger('epochs', values.epochs) ?? base.epochs,
      batchSize: positiveInteger('batch-size', values['batch-size']) ?? base.batchSize,
      learningRate: positiveNumber('learning-rate', values['learning-rate']) ?? base.learningRate,
      augment: values['no-augment'] ? null : base.augment,
      seed,
      validationSize,
    };
    const architecture = ARCHITECTURES[name];
    const finalDir = resolve(values.out, architecture.checkpoint);
    console.error(`training ${architecture.checkpoint}: ${architecture.description}`);
    console.error(
      `  ${train.count - config.validationSize} training / ${config.validationSize} validation images, ` +
        `${config.epochs} epochs, batch ${config.batchSize}, seed ${seed}, augmentation ${config.augment ? 'on' : 'off'}, backend ${tf.getBackend()}`,
    );
    let bar: ProgressBar | undefined;
    const started = performance.now();
    const result = await trainModel(config, train, {
      onBatch(epoch, batch, batches, loss) {
        bar ??= new ProgressBar(`epoch ${String(epoch).padStart(2)}/${config.epochs}`, batches);
        bar.update(batch, `loss ${loss.toFixed(4)}`);
      },
      onEpoch(m) {
        bar?.finish(
          `loss ${m.loss.toFixed(4)} acc ${(m.accuracy * 100).toFixed(2)}% | val loss ${m.valLoss.toFixed(4)} ` +
            `val acc ${(m.valAccuracy * 100).toFixed(2)}% | lr ${m.learningRate.toExponential(1)}`,
        );
        bar = undefined;
      },
    });
    const trainingSeconds = (performance.now() - started) / 1000;
    console.error(`  best validation epoch ${result.bestEpoch}; trained in ${formatSeconds(trainingSeconds)}`);

    try {
      const bestMetrics = result.history[result.bestEpoch - 1]!;
      const training = {
        framework: `TensorFlow.js ${tf.version_core} (${tf.getBackend()} backend)`,
        architecture: architecture.description,
        config: { ...config, headLayers },
        trainImages: train.count - config.validationSize,
        validationImages: config.validationSize,
        selectedEpoch: result.bestEpoch,
        validationAccuracy: bestMetrics.valAccuracy,
        seconds: Math.round(trainingSeconds),
        metricsFile: 'training/metrics.json',
        curveFile: 'training/curve.svg',
        sourceModel: 'training/model.json',
      };
      // The tfjs source model, metrics and curve go in with the checkpoint, in one atomic swap.
      const extraFiles = new Map<string, Uint8Array | string>();
      for (const [name, content] of await serializeLayersModel(result.model)) extraFiles.set(`training/${name}`, content);
      extraFiles.set('training/metrics.json', `${JSON.stringify({ ...training, history: result.history }, null, 2)}\n`);
      extraFiles.set('training/curve.svg', trainingCurveSvg(architecture.checkpoint, result.history));
      const manifest = await exportCheckpoint(result.model, {
        name: architecture.checkpoint,
        version: values.version,
        headLayers,
        outDir: finalDir,
        training,
        extraFiles,
        measureAccuracy: async (bytes: Uint8Array) => {
          const { confusion: _confusion, ...accuracy } = await evaluateOnnxModel(bytes);
          return { ...accuracy, dataset: 'mnist-test-10k', file: 'model.onnx' };
        },
      });
      const accuracy = manifest.testAccuracy;
      console.error(
        `  wrote ${finalDir}: MNIST test accuracy ${(accuracy.value * 100).toFixed(2)}% (${accuracy.correct}/${accuracy.total}) by ${accuracy.runtime}`,
      );
    } finally {
      result.model.dispose();
    }
  }
});
