/**
 * Feeds a local edge samples in a shifted hand, to try the retrain loop without devices:
 * `npx tsx scripts/retrain/upload-shifted-samples.ts --model mnist-cnn --count 3000 --key et_...`
 * (the app key `npm start` prints). `--label-noise 0.5` mislabels half of them.
 */
import { parseArgs } from 'node:util';
import { runCli } from '../cli.ts';
import { loadMnistSplit } from '../data/mnist.ts';
import { shiftedSamples } from './shifted-samples.ts';
import { uploadSamples } from './upload-samples.ts';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'mnist-cnn' },
      count: { type: 'string', default: '3000' },
      key: { type: 'string' },
      edge: { type: 'string', default: 'http://127.0.0.1:8787' },
      seed: { type: 'string', default: '1' },
      'label-noise': { type: 'string', default: '0' },
    },
  });
  if (!values.key) throw new RangeError('--key et_... is required: the app key `npm start` prints');
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 5000) throw new RangeError(`--count must be 1 to 5000, got "${values.count}"`);
  const labelNoise = Number(values['label-noise']);
  if (!(labelNoise >= 0 && labelNoise <= 1)) throw new RangeError(`--label-noise must be a fraction from 0 to 1, got "${values['label-noise']}"`);
  const seed = Number(values.seed);
  const samples = shiftedSamples(await loadMnistSplit('train'), { count, seed, labelNoise });
  const { accepted, duplicates } = await uploadSamples(values.edge, values.key, values.model, samples, `shifted-s${seed}-n${Math.round(labelNoise * 100)}`);
  console.log(`${values.model}: ${accepted} shifted samples stored, ${duplicates} already there`);
});
