import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateOnnxModel, formatConfusion } from './evaluate/evaluate-onnx.ts';
import { runCli } from './cli.ts';

const USAGE = 'usage: npm run evaluate -- --model NAME [--models-dir DIR] [--limit N]';

await runCli(async () => {
  const { values } = parseArgs({
    options: { model: { type: 'string' }, 'models-dir': { type: 'string', default: 'models' }, limit: { type: 'string' } },
  });
  if (!values.model) throw new RangeError(`--model is required (e.g. mnist-cnn)\n${USAGE}`);
  const path = join(values['models-dir'], values.model, 'model.onnx');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new RangeError(`no checkpoint at ${path}; train one with \`npm run train\` or pick an existing --model`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new RangeError('--limit must be a positive integer');
  const result = await evaluateOnnxModel(bytes, limit ? { limit } : {});
  console.log(`${values.model}: ${(result.value * 100).toFixed(2)}% (${result.correct}/${result.total}) on the MNIST test set, ${result.runtime}`);
  console.log(formatConfusion(result.confusion));
});
