import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest, type Manifest } from '../sdk/src/artifacts/manifest.ts';
import { runCli } from './cli.ts';
import { evaluateOnnxModel } from './evaluate/evaluate-onnx.ts';
import { exportCheckpoint } from './export/export-checkpoint.ts';
import { loadLayersModel } from './train/tfjs-model-files.ts';

const USAGE = `usage: npm run export -- --model mnist-mlp|mnist-cnn [--head-layers K] [--version SEMVER] [--out DIR]
  Re-exports <DIR>/<model>/ (DIR defaults to "models") from the tfjs model in <DIR>/<model>/training/,
  re-measuring MNIST test accuracy. Head size, version and training record default to the existing manifest's.`;

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      'head-layers': { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string', default: 'models' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.model) throw new RangeError(`--model is required\n${USAGE}`);
  const checkpointDir = join(values.out, values.model);
  const sourceDir = join(checkpointDir, 'training');
  const previous = await readPreviousManifest(checkpointDir);

  await tf.setBackend('cpu');
  let model: tf.LayersModel;
  try {
    model = await loadLayersModel(sourceDir);
  } catch (cause) {
    throw new RangeError(`cannot load the tfjs model in ${sourceDir} (${(cause as Error).message}); train it with \`npm run train\``);
  }

  const headLayers = values['head-layers'] === undefined ? (previous?.head.layers ?? 1) : Number(values['head-layers']);
  if (!Number.isInteger(headLayers) || headLayers < 1) throw new RangeError(`--head-layers must be a positive integer, got "${values['head-layers']}"`);

  try {
    const manifest = await exportCheckpoint(model, {
      name: values.model,
      version: values.version ?? previous?.version ?? '1.0.0',
      headLayers,
      outDir: checkpointDir,
      training: previous?.training ?? (await readTrainingRecord(sourceDir)),
      measureAccuracy: async (modelOnnx) => {
        const { value, correct, total, runtime } = await evaluateOnnxModel(modelOnnx);
        return { value, correct, total, runtime, dataset: 'mnist-test-10k', file: 'model.onnx' };
      },
    });
    const accuracy = manifest.testAccuracy;
    console.log(
      `${checkpointDir}: ${manifest.name} ${manifest.version}, head ${headLayers} layer(s), ${manifest.featureSize} features, ` +
        `${(manifest.flops / 1e6).toFixed(2)} MFLOPs/image, test accuracy ${(accuracy.value * 100).toFixed(2)}% ` +
        `(${accuracy.correct}/${accuracy.total}) by ${accuracy.runtime}`,
    );
    for (const [file, { bytes }] of Object.entries(manifest.files)) console.log(`  ${file.padEnd(18)} ${bytes} bytes`);
  } finally {
    model.dispose();
  }
});

async function readPreviousManifest(checkpointDir: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await readFile(join(checkpointDir, 'manifest.json'), 'utf8');
  } catch {
    return null;
  }
  try {
    return parseManifest(JSON.parse(text));
  } catch (error) {
    console.error(`ignoring the existing manifest: ${(error as Error).message}`);
    return null;
  }
}

/** Without a previous manifest, the training script's metrics file (minus its per-epoch history) describes the run. */
async function readTrainingRecord(sourceDir: string): Promise<Record<string, unknown>> {
  try {
    const { history: _history, ...record } = JSON.parse(await readFile(join(sourceDir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    return record;
  } catch {
    return {};
  }
}
