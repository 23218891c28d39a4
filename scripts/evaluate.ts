import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listCheckpoints, resolveCheckpoints } from './evaluate/checkpoint-names.ts';
import { evaluateOnnxModel, formatConfusion } from './evaluate/evaluate-onnx.ts';
import { runCli } from './cli.ts';

function usage(available: readonly string[], modelsDir: string): string {
  const architectures = available.map((name) => name.replace(/^mnist-/, '')).filter((name, i) => name !== available[i]);
  return [
    'usage: npm run evaluate -- --model NAME|all [--models-dir DIR] [--limit N]',
    '',
    'Accuracy and confusion matrix of a checkpoint on the MNIST test set, run by onnxruntime-node.',
    `  --model       a checkpoint in ${modelsDir}: ${available.length ? [...available, ...architectures].join(', ') : '(none yet: npm run train)'}, or all`,
    '  --models-dir  where checkpoints live (default: models)',
    '  --limit N     evaluate the first N test images only',
  ].join('\n');
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      'models-dir': { type: 'string', default: 'models' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const modelsDir = values['models-dir'];
  const available = await listCheckpoints(modelsDir);
  if (values.help) {
    console.log(usage(available, modelsDir));
    return;
  }
  if (!values.model) throw new RangeError(`--model is required\n${usage(available, modelsDir)}`);
  const names = resolveCheckpoints(values.model, available);
  if (names.length === 0) {
    throw new RangeError(
      `no checkpoint "${values.model}" in ${modelsDir}; ` +
        (available.length ? `it holds ${available.join(', ')}` : 'it holds none: train one with `npm run train`'),
    );
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new RangeError('--limit must be a positive integer');
  for (const name of names) {
    const bytes = await readFile(join(modelsDir, name, 'model.onnx'));
    const result = await evaluateOnnxModel(bytes, limit ? { limit } : {});
    console.log(`${name}: ${(result.value * 100).toFixed(2)}% (${result.correct}/${result.total}) on the MNIST test set, ${result.runtime}`);
    console.log(formatConfusion(result.confusion));
  }
});
