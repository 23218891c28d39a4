import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { DEFAULT_STATE_DIR } from './publish/local-bucket.ts';
import { DEFAULT_RETRAIN_CONFIG, isTrainableLayers, MNIST_ACCURACY_BARS, TRAINABLE_LAYERS, type RetrainConfig } from './retrain/retrain-config.ts';
import { runRetrain } from './retrain/run-retrain.ts';

const USAGE = `usage: npm run retrain -- --model NAME [--from URL] [--key ADMIN_KEY] [--publish [--remote] [--persist-to DIR]]
       [--base DIR] [--out DIR] [--after SEQ] [--layers ${TRAINABLE_LAYERS.join('|')}] [--epochs N] [--learning-rate LR]
       [--replay R] [--replay-targets labels|base-model] [--batch-size N] [--held-out F] [--seed S] [--no-augment] [--min-mnist-accuracy A] [--max-samples N]
  Pulls the model's samples from the edge's export (default local wrangler dev, admin key from .dev.vars),
  fine-tunes <base> (default models/NAME) on them with MNIST replay, exports the next minor version to
  <out>/NAME/<version>/ with a report, and publishes it (--publish) only if the gate passes; exits 1 otherwise.`;

const number = (name: string, raw: string | undefined, check: (value: number) => boolean, what: string): number | undefined => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new RangeError(`--${name} must be ${what}, got "${raw}"`);
  return value;
};
const positiveInteger = (name: string, raw: string | undefined) => number(name, raw, (v) => Number.isInteger(v) && v > 0, 'a positive integer');

function replayTargets(raw: string | undefined): RetrainConfig['replayTargets'] | undefined {
  if (raw === undefined || raw === 'labels' || raw === 'base-model') return raw;
  throw new RangeError(`--replay-targets must be labels or base-model, got "${raw}"`);
}

/** The admin key wrangler dev reads from .dev.vars (written by `npm start`). */
async function localAdminKey(): Promise<string> {
  const vars = await readFile('.dev.vars', 'utf8').catch(() => '');
  const key = /^ADMIN_KEY=(.+)$/m.exec(vars)?.[1]?.trim();
  if (!key) throw new RangeError('no ADMIN_KEY in .dev.vars; run `npm start` once, or pass --key ADMIN_KEY');
  return key;
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      from: { type: 'string', default: 'http://127.0.0.1:8787' },
      key: { type: 'string' },
      publish: { type: 'boolean', default: false },
      remote: { type: 'boolean', default: false },
      'persist-to': { type: 'string', default: DEFAULT_STATE_DIR },
      base: { type: 'string' },
      out: { type: 'string', default: '.cache/retrain' },
      after: { type: 'string', default: '0' },
      layers: { type: 'string' },
      epochs: { type: 'string' },
      'learning-rate': { type: 'string' },
      replay: { type: 'string' },
      'replay-targets': { type: 'string' },
      'batch-size': { type: 'string' },
      'held-out': { type: 'string' },
      seed: { type: 'string' },
      'no-augment': { type: 'boolean', default: false },
      'min-mnist-accuracy': { type: 'string' },
      'max-samples': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const model = values.model;
  if (!model || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(model)) throw new RangeError(`--model NAME is required (e.g. mnist-cnn)\n${USAGE}`);
  if (values.layers !== undefined && !isTrainableLayers(values.layers)) {
    throw new RangeError(`--layers must be one of ${TRAINABLE_LAYERS.join(', ')}, got "${values.layers}"`);
  }
  let from: URL;
  try {
    from = new URL(values.from);
  } catch {
    throw new RangeError(`--from must be the edge's URL, e.g. http://127.0.0.1:8787, got "${values.from}"`);
  }
  const d = DEFAULT_RETRAIN_CONFIG;
  const config: RetrainConfig = {
    layers: (values.layers as RetrainConfig['layers'] | undefined) ?? d.layers,
    epochs: positiveInteger('epochs', values.epochs) ?? d.epochs,
    batchSize: positiveInteger('batch-size', values['batch-size']) ?? d.batchSize,
    learningRate: number('learning-rate', values['learning-rate'], (v) => v > 0 && v < 1, 'a number in (0, 1)') ?? d.learningRate,
    replayRatio: number('replay', values.replay, (v) => v >= 0 && v <= 100, 'a number from 0 to 100') ?? d.replayRatio,
    replayTargets: replayTargets(values['replay-targets']) ?? d.replayTargets,
    augment: values['no-augment'] ? null : d.augment,
    heldOutFraction: number('held-out', values['held-out'], (v) => v > 0 && v < 1, 'a fraction in (0, 1)') ?? d.heldOutFraction,
    seed: number('seed', values.seed, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer') ?? d.seed,
  };
  const mnistBar =
    number('min-mnist-accuracy', values['min-mnist-accuracy'], (v) => v > 0 && v <= 1, 'a fraction in (0, 1]') ?? MNIST_ACCURACY_BARS[model];
  if (mnistBar === undefined) throw new RangeError(`no MNIST accuracy bar is known for ${model}; pass --min-mnist-accuracy (e.g. 0.985)`);
  const result = await runRetrain({
    baseDir: values.base ?? join('models', model),
    from: from.origin,
    adminKey: values.key ?? (await localAdminKey()),
    after: number('after', values.after, (v) => Number.isSafeInteger(v) && v >= 0, 'a non-negative integer')!,
    outDir: values.out,
    config,
    mnistBar,
    ...(values.publish ? { publish: { remote: values.remote, stateDir: values['persist-to'] } } : {}),
    ...(values['max-samples'] ? { maxSamples: positiveInteger('max-samples', values['max-samples'])! } : {}),
  });
  if (!result.gate.passed) {
    throw Object.assign(new Error(`the gate refused ${result.manifest.name}@${result.manifest.version}; nothing was published (figures above, report in ${result.directory})`), {
      code: 'E_RETRAIN_REFUSED',
    });
  }
  if (!values.publish) console.error(`gate passed; publish it with: npm run publish -- --models-dir ${join(values.out, model)} --model ${result.manifest.version}`);
  console.log(JSON.stringify({ model, version: result.manifest.version, directory: result.directory, published: result.published !== undefined }));
});
