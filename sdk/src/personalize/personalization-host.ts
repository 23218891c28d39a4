import type { Manifest } from '../artifacts/manifest.ts';
import { MODEL_PIXEL_COUNT as PIXELS } from '../input/classifier-input.ts';
import { decodeSafetensors } from '../artifacts/safetensors.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { InferenceSession, OrtModule } from '../engine/ort-types.ts';
import { assertHeadMatches, decodeHead, encodeHead } from '../heads/head-codec.ts';
import type { HeadSummary } from '../heads/head-record.ts';
import type { HeadStore } from '../heads/head-store.ts';
import { validateHeadKey } from '../heads/head-record.ts';
import { FeatureCache } from './feature-cache.ts';
import { cloneParameters, type HeadParameters } from './head-parameters.ts';
import { HeadRunner } from './head-runner.ts';
import type { ResolvedPersonalizeOptions } from './personalize-options.ts';
import type { PersonalizeReport, StepProgress } from './personalize-report.ts';
import { runPersonalization, type TrainingSet } from './run-personalization.ts';


export interface LabelledPixels {
  readonly pixels: Float32Array;
  readonly labels: Int32Array;
}

/** Computes backbone features for `count` images: model.onnx's `features` output. */
export type FeatureExtractor = (pixels: Float32Array, count: number) => Promise<Float32Array>;

/**
 * Everything about the trainable head inside the worker: the pretrained and current parameters,
 * head.onnx / train-step.onnx, the feature cache, and the head store. The backbone is never touched.
 */
export class PersonalizationHost {
  readonly #pretrained: HeadParameters;
  #current: HeadParameters;
  #personalized = false;
  #runner: Promise<HeadRunner> | undefined;
  readonly #features = new FeatureCache();

  constructor(
    private readonly ort: OrtModule,
    private readonly manifest: Manifest,
    private readonly files: { head: Uint8Array; trainStep: Uint8Array; pretrained: Uint8Array },
    private readonly createSession: (bytes: Uint8Array, file: string) => Promise<InferenceSession>,
    private readonly extractFeatures: FeatureExtractor,
    private readonly openStore: () => Promise<HeadStore>,
  ) {
    this.#pretrained = readPretrained(manifest, files.pretrained);
    this.#current = this.#pretrained;
  }

  get personalized(): boolean {
    return this.#personalized;
  }

  #headRunner(): Promise<HeadRunner> {
    this.#runner ??= (async () => {
      // One after the other: the WebGPU EP refuses to create two sessions at once.
      const head = await this.createSession(this.files.head, 'head.onnx');
      const trainStep = await this.createSession(this.files.trainStep, 'train-step.onnx');
      return new HeadRunner(this.ort, this.manifest, head, trainStep);
    })();
    this.#runner.catch(() => (this.#runner = undefined));
    return this.#runner;
  }

  /** Class probabilities of the current (personalized) head on features from model.onnx. */
  async probabilities(features: Float32Array, count: number): Promise<Float32Array> {
    return (await this.#headRunner()).probabilities(features, count, this.#current);
  }

  async #featuresOf(set: LabelledPixels): Promise<TrainingSet> {
    const count = set.labels.length;
    const size = this.manifest.featureSize;
    const features = new Float32Array(count * size);
    const missing: number[] = [];
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = FeatureCache.keyOf(set.pixels.subarray(i * PIXELS, (i + 1) * PIXELS));
      keys.push(key);
      const cached = this.#features.get(key);
      if (cached) features.set(cached, i * size);
      else missing.push(i);
    }
    if (missing.length > 0) {
      const batch = new Float32Array(missing.length * PIXELS);
      missing.forEach((i, j) => batch.set(set.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), j * PIXELS));
      const computed = await this.extractFeatures(batch, missing.length);
      missing.forEach((i, j) => {
        const row = computed.slice(j * size, (j + 1) * size);
        features.set(row, i * size);
        this.#features.set(keys[i]!, row);
      });
    }
    return { features, labels: set.labels, count };
  }

  async personalize(
    samples: LabelledPixels,
    replay: LabelledPixels | undefined,
    options: ResolvedPersonalizeOptions,
    onStep?: (progress: StepProgress) => void,
    /** Checked before each run of steps: true stops with E_ABORTED, the head unchanged. */
    isCancelled?: () => boolean,
  ): Promise<PersonalizeReport> {
    const runner = await this.#headRunner();
    const sampleSet = await this.#featuresOf(samples);
    const replaySet = replay ? await this.#featuresOf(replay) : undefined;
    // The head changes only if every step succeeded: divergence or abort leave it as it was.
    const { parameters, report } = await runPersonalization({
      runner,
      featureSize: this.manifest.featureSize,
      samples: sampleSet,
      replay: replaySet,
      start: this.#current,
      anchors: this.#pretrained,
      options,
      onStep,
      isCancelled,
    });
    this.#current = parameters;
    this.#personalized = true;
    return report;
  }

  resetHead(): void {
    this.#current = this.#pretrained;
    this.#personalized = false;
  }

  exportHead(): Uint8Array {
    return encodeHead(this.#asTensors(this.#current), { model: this.manifest.name, version: this.manifest.version });
  }

  importHead(bytes: Uint8Array): void {
    const decoded = decodeHead(bytes);
    assertHeadMatches(decoded.info, this.manifest);
    this.#current = new Map([...decoded.parameters].map(([name, t]) => [name, t.data.slice()]));
    this.#personalized = true;
  }

  async saveHead(key: string): Promise<HeadSummary> {
    validateHeadKey(key);
    const store = await this.openStore();
    const bytes = this.exportHead();
    const record = { key, model: this.manifest.name, version: this.manifest.version, savedAt: new Date().toISOString(), bytes };
    await store.save(record);
    const { bytes: _bytes, ...summary } = record;
    return { ...summary, byteLength: bytes.byteLength };
  }

  async loadHead(key: string): Promise<void> {
    validateHeadKey(key);
    const record = await (await this.openStore()).load(key);
    if (!record) throw new EdgetuneError(ErrorCodes.HEAD_NOT_FOUND, `no head is saved under "${key}"; listHeads() shows the saved ones`);
    this.importHead(record.bytes);
  }

  async listHeads(): Promise<HeadSummary[]> {
    return (await this.openStore()).list();
  }

  async deleteHead(key: string): Promise<boolean> {
    validateHeadKey(key);
    return (await this.openStore()).delete(key);
  }

  #asTensors(parameters: HeadParameters) {
    return new Map(this.manifest.head.parameters.map((p) => [p.name, { shape: p.shape as number[], data: parameters.get(p.name)! }]));
  }

  /** A copy of the current head, for tests and reports. */
  currentHead(): HeadParameters {
    return cloneParameters(this.#current);
  }
}

function readPretrained(manifest: Manifest, bytes: Uint8Array): HeadParameters {
  const { tensors } = decodeSafetensors(bytes);
  const parameters: HeadParameters = new Map();
  for (const { name, shape } of manifest.head.parameters) {
    const tensor = tensors.get(name);
    const expected = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!tensor || tensor.data.length !== expected) {
      throw new EdgetuneError(ErrorCodes.HEAD_INVALID, `head.safetensors lacks ${name} of shape [${shape.join(', ')}]; re-export the checkpoint`);
    }
    parameters.set(name, tensor.data);
  }
  return parameters;
}
