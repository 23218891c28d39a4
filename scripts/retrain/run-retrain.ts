import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readAtMost } from '../../workers/src/http/read-at-most.ts';
import { parseManifest, type Manifest, type RetrainProvenance } from '../../sdk/src/artifacts/manifest.ts';
import { loadMnistSplit, PIXELS, takeFirst, type MnistSplit } from '../data/mnist.ts';
import { evaluateOnnxModel } from '../evaluate/evaluate-onnx.ts';
import { predictWithOnnx } from '../evaluate/predict-onnx.ts';
import { exportCheckpoint } from '../export/export-checkpoint.ts';
import { describePublish } from '../publish/describe-publish.ts';
import { withObjectStore } from '../publish/open-object-store.ts';
import { publishModel, type PublishReport } from '../publish/publish-model.ts';
import { readCheckpoint } from '../publish/read-checkpoint.ts';
import { formatSeconds, ProgressBar } from '../train/progress-bar.ts';
import { trainingCurveSvg } from '../train/training-curve.ts';
import { loadLayersModel, serializeLayersModel } from '../train/tfjs-model-files.ts';
import { useWasmBackend } from '../train/wasm-backend.ts';
import { exportSamples } from './export-samples.ts';
import { fineTune, type FineTuneEpoch } from './fine-tune.ts';
import { comparePaired, type PairedOutcome } from './mcnemar.ts';
import { nextMinorVersion } from './next-version.ts';
import type { RetrainConfig } from './retrain-config.ts';
import { decideGate, type GateDecision } from './retrain-gate.ts';
import { retrainReportMarkdown } from './retrain-report.ts';
import { UNSEEN_TRAIN_START } from './shifted-samples.ts';
import { splitPerLabel } from './split-samples.ts';

export interface RetrainOptions {
  /** A checkpoint directory with manifest.json, model.onnx and its tfjs source in training/. */
  readonly baseDir: string;
  /** The edge whose samples are pulled (and whose version list the new version number must exceed). */
  readonly from: string;
  readonly adminKey: string;
  /** Pull samples after this export seq. */
  readonly after: number;
  /** The new version lands in <outDir>/<name>/<version>/. */
  readonly outDir: string;
  readonly config: RetrainConfig;
  readonly mnistBar: number;
  /** Publish after the gate passes: to the account's R2, or to wrangler dev's local state. */
  readonly publish?: { readonly remote: boolean; readonly stateDir: string };
  readonly maxSamples?: number;
  /** Too few held-out samples can never show a significant gain; refuse before training. */
  readonly minSamples?: number;
  readonly log?: (line: string) => void;
}

export interface RetrainResult {
  readonly manifest: Manifest;
  readonly directory: string;
  readonly gate: GateDecision;
  readonly heldOut: PairedOutcome;
  readonly mnistAccuracy: number;
  readonly history: readonly FineTuneEpoch[];
  readonly published?: PublishReport;
}

export class RetrainError extends Error {
  override name = 'RetrainError';
  constructor(
    readonly code: 'E_TOO_FEW_SAMPLES' | 'E_EDGE_UNREACHABLE' | 'E_BASE_CHECKPOINT',
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_MIN_SAMPLES = 50;
const MAX_MODEL_LIST_BYTES = 1 << 20;

/** Pull, split, fine-tune, export, gate, and (if it passed and was asked) publish one new version. */
export async function runRetrain(options: RetrainOptions): Promise<RetrainResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const base = await readBase(options.baseDir);
  const name = base.manifest.name;
  const version = nextMinorVersion([base.manifest.version, ...(await publishedVersions(options.from, name))]);

  const exported = await exportSamples({
    from: options.from,
    adminKey: options.adminKey,
    model: name,
    labels: base.manifest.labels,
    after: options.after,
    ...(options.maxSamples ? { maxSamples: options.maxSamples } : {}),
  });
  const skipped = Object.entries(exported.skipped).map(([reason, count]) => `${count} ${reason}`).join(', ');
  log(`pulled ${exported.samples.count} samples of ${name} from ${options.from} (seq ${exported.cursor.after + 1}..${exported.cursor.through}, ${exported.pages} pages)${skipped ? `; skipped ${skipped}` : ''}`);
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  if (exported.samples.count < minSamples) {
    throw new RetrainError('E_TOO_FEW_SAMPLES', `only ${exported.samples.count} valid samples of ${name} (at least ${minSamples} needed to show a gain); collect more first`);
  }
  const { train: samples, heldOut } = splitPerLabel(exported.samples, options.config.heldOutFraction, options.config.seed);

  const mnistTrain = await loadMnistSplit('train');
  const replay = takeFirst(mnistTrain, UNSEEN_TRAIN_START);
  const mnistCheck = slice(mnistTrain, UNSEEN_TRAIN_START, 2000);
  const config = options.config;
  const replayImages = Math.min(replay.count, Math.round(samples.count * config.replayRatio));
  log(`${samples.count} samples to train on + ${replayImages} MNIST replay images per epoch, ${heldOut.count} held out; layers ${config.layers}, ${config.epochs} epochs`);

  await useWasmBackend();
  const model = await loadLayersModel(join(options.baseDir, 'training'));
  const teacher = config.replayTargets === 'base-model' ? await loadLayersModel(join(options.baseDir, 'training')) : undefined;
  try {
    let bar: ProgressBar | undefined;
    const started = performance.now();
    const history = fineTune(model, { samples, replay, heldOut, mnistCheck, ...(teacher ? { teacher } : {}) }, config, {
      onBatch(epoch, batch, batches, loss) {
        bar ??= new ProgressBar(`epoch ${String(epoch).padStart(2)}/${config.epochs}`, batches);
        bar.update(batch, `loss ${loss.toFixed(4)}`);
      },
      onEpoch(m) {
        bar?.finish(`loss ${m.loss.toFixed(4)} acc ${pct(m.accuracy)} | held-out ${pct(m.valAccuracy)} | MNIST check ${pct(m.mnistAccuracy ?? Number.NaN)}`);
        bar = undefined;
      },
    });
    const trainingSeconds = (performance.now() - started) / 1000;
    log(`fine-tuned in ${formatSeconds(trainingSeconds)}; exporting ${name}@${version} and measuring it`);

    const basePredictions = await predictWithOnnx(base.modelOnnx, heldOut.images, heldOut.count);
    let measured: { mnistAccuracy: number; heldOut: PairedOutcome; gate: GateDecision } | undefined;
    const directory = join(options.outDir, name, version);
    const trainingRecord = {
      framework: `TensorFlow.js ${tf.version_core} (${tf.getBackend()} backend)`,
      retrainedFrom: `${name}@${base.manifest.version}`,
      config,
      seconds: Math.round(trainingSeconds),
      sourceModel: 'training/model.json',
      report: 'report.md',
    };
    const extraFiles = new Map<string, Uint8Array | string>();
    for (const [file, content] of await serializeLayersModel(model)) extraFiles.set(`training/${file}`, content);
    const manifest = await exportCheckpoint(model, {
      name,
      version,
      headLayers: base.manifest.head.layers,
      outDir: directory,
      training: trainingRecord,
      extraFiles,
      measureAccuracy: async (modelOnnx) => {
        const { confusion: _confusion, ...accuracy } = await evaluateOnnxModel(modelOnnx);
        const paired = comparePaired(heldOut.labels, basePredictions, await predictWithOnnx(modelOnnx, heldOut.images, heldOut.count));
        measured = { mnistAccuracy: accuracy.value, heldOut: paired, gate: decideGate({ mnistAccuracy: accuracy.value, mnistBar: options.mnistBar, heldOut: paired }) };
        return { ...accuracy, dataset: 'mnist-test-10k', file: 'model.onnx' };
      },
      provenance: (): RetrainProvenance => ({
        baseVersion: base.manifest.version,
        samples: { used: samples.count, heldOut: heldOut.count, skipped: exported.skippedTotal },
        exportCursor: { ...exported.cursor },
        replayImages,
        config: { ...config },
        gate: {
          mnistAccuracy: measured!.mnistAccuracy,
          mnistBar: options.mnistBar,
          heldOutBase: measured!.heldOut.baseCorrect / Math.max(1, measured!.heldOut.total),
          heldOutNew: measured!.heldOut.newCorrect / Math.max(1, measured!.heldOut.total),
          pValue: measured!.heldOut.pValue,
        },
      }),
    });
    const { gate, mnistAccuracy } = measured!;
    const summary = {
      model: name,
      baseVersion: base.manifest.version,
      version,
      from: options.from,
      cursor: exported.cursor,
      exported: exported.samples.count + exported.skippedTotal,
      skipped: exported.skipped,
      trainSamples: samples.count,
      heldOutSamples: heldOut.count,
      replayImages,
      config,
      history,
      trainingSeconds,
      baseMnistAccuracy: base.manifest.testAccuracy.value,
      mnistAccuracy,
      mnistBar: options.mnistBar,
      heldOut: measured!.heldOut,
      gate,
    };
    await writeFile(join(directory, 'report.md'), retrainReportMarkdown(summary));
    await writeFile(join(directory, 'report.svg'), trainingCurveSvg(`${name} ${base.manifest.version} -> ${version}`, history, { keptEpoch: history.length, validationName: 'held-out' }));
    for (const reason of gate.reasons) log(reason);
    log(`wrote ${directory} (report.md, report.svg)`);

    let published: PublishReport | undefined;
    if (gate.passed && options.publish) {
      const target = options.publish;
      published = await withObjectStore(target.remote, target.stateDir, async (store, where) => {
        const report = await publishModel(store, await readCheckpoint(directory));
        log(describePublish(report, where));
        return report;
      });
    }
    return { manifest, directory, gate, heldOut: measured!.heldOut, mnistAccuracy, history, ...(published ? { published } : {}) };
  } finally {
    model.dispose();
    teacher?.dispose();
  }
}

async function readBase(baseDir: string): Promise<{ manifest: Manifest; modelOnnx: Uint8Array }> {
  try {
    const manifest = parseManifest(JSON.parse(await readFile(join(baseDir, 'manifest.json'), 'utf8')));
    return { manifest, modelOnnx: await readFile(join(baseDir, 'model.onnx')) };
  } catch (cause) {
    throw new RetrainError('E_BASE_CHECKPOINT', `cannot read the checkpoint to retrain in ${baseDir} (${(cause as Error).message}); pass --base DIR`);
  }
}

/** Every version of `name` the edge lists (none if it has never published it). */
async function publishedVersions(from: string, name: string): Promise<string[]> {
  let body: { models?: Array<{ name?: unknown; versions?: Array<{ version?: unknown }> }> };
  try {
    const response = await fetch(new URL('/v1/models', from), { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = await readAtMost(response.body, MAX_MODEL_LIST_BYTES);
    if (bytes === undefined) throw new Error(`the model list is over ${MAX_MODEL_LIST_BYTES} bytes`);
    body = JSON.parse(new TextDecoder().decode(bytes)) as typeof body;
  } catch (error) {
    throw new RetrainError('E_EDGE_UNREACHABLE', `cannot list the models of ${from} (${(error as Error).message}); start the edge with \`npm start\` or pass --from URL`);
  }
  const model = Array.isArray(body.models) ? body.models.find((m) => m?.name === name) : undefined;
  return (Array.isArray(model?.versions) ? model.versions : []).map((v) => v?.version).filter((v): v is string => typeof v === 'string');
}

function slice(split: MnistSplit, start: number, count: number): MnistSplit {
  return { images: split.images.subarray(start * PIXELS, (start + count) * PIXELS), labels: split.labels.subarray(start, start + count), count };
}

function pct(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}
