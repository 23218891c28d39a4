import type { Manifest } from '../artifacts/manifest.ts';
import { MODEL_PIXEL_COUNT as PIXELS } from '../input/classifier-input.ts';
import { decodeSafetensors } from '../artifacts/safetensors.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { checkTrainStepSession } from '../engine/check-sessions.ts';
import type { InferenceSession, OrtModule } from '../engine/ort-types.ts';
import { assertHeadMatches, decodeHead, encodeHead, firstNonFinite } from '../heads/head-codec.ts';
import { summarizeHead, type HeadRecord, type HeadSummary } from '../heads/head-record.ts';
import { appendKept, keptForModel, type KeptSamples } from '../heads/kept-samples.ts';
import type { HeadStore } from '../heads/head-store.ts';
import { validateHeadKey } from '../heads/head-record.ts';
import { FeatureCache } from './feature-cache.ts';
import { cloneParameters, type HeadParameters } from './head-parameters.ts';
import { HeadRunner } from './head-runner.ts';
import { pickPersonalizeOptions, resolvePersonalizeOptions, type PersonalizeOptions, type ResolvedPersonalizeOptions } from './personalize-options.ts';
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
  /** The samples the current head was personalized on (in memory; stored only with saveHead's keepSamples). */
  #kept: KeptSamples | undefined;
  readonly #runner: HeadRunner;
  readonly #features = new FeatureCache();

  constructor(
    ort: OrtModule,
    private readonly manifest: Manifest,
    files: { trainStep: Uint8Array; pretrained: Uint8Array },
    /** head.onnx's session, created (and checked) at load. */
    headSession: InferenceSession,
    createSession: (bytes: Uint8Array, file: string) => Promise<InferenceSession>,
    private readonly extractFeatures: FeatureExtractor,
    private readonly openStore: () => Promise<HeadStore>,
  ) {
    this.#pretrained = readPretrained(manifest, files.pretrained);
    this.#current = this.#pretrained;
    this.#runner = new HeadRunner(ort, manifest, headSession, async () => {
      const session = await createSession(files.trainStep, 'train-step.onnx');
      checkTrainStepSession(manifest, session);
      return session;
    });
  }

  get personalized(): boolean {
    return this.#personalized;
  }

  /** Class probabilities of the current (personalized) head on features from model.onnx. */
  probabilities(features: Float32Array, count: number): Promise<Float32Array> {
    return this.#runner.probabilities(features, count, this.#current);
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
    const report = await this.#train(samples, replay, this.#current, options, onStep, isCancelled);
    this.#kept = appendKept(this.#kept, samples, this.manifest.labels, options);
    return report;
  }

  /** The head changes only if every step succeeded: divergence or abort leave it as it was. */
  async #train(
    samples: LabelledPixels,
    replay: LabelledPixels | undefined,
    start: HeadParameters,
    options: ResolvedPersonalizeOptions,
    onStep?: (progress: StepProgress) => void,
    isCancelled?: () => boolean,
  ): Promise<PersonalizeReport> {
    const sampleSet = await this.#featuresOf(samples);
    const replaySet = replay ? await this.#featuresOf(replay) : undefined;
    const { parameters, report } = await runPersonalization({
      runner: this.#runner,
      featureSize: this.manifest.featureSize,
      samples: sampleSet,
      replay: replaySet,
      start,
      anchors: this.#pretrained,
      options,
      onStep,
      isCancelled,
    });
    this.#current = parameters;
    this.#personalized = true;
    return report;
  }

  /**
   * Retrains the head saved under `key` on this version: from the pretrained head, on the samples
   * kept with it and its settings (overridden by `overrides`), then saves the new head under the
   * same key with the same samples. The installed head changes only if training succeeds.
   */
  async repersonalize(
    key: string,
    overrides: PersonalizeOptions,
    onStep?: (progress: StepProgress) => void,
    isCancelled?: () => boolean,
  ): Promise<{ report: PersonalizeReport; head: HeadSummary }> {
    const record = await this.#loadRecord(key);
    if (record.model !== this.manifest.name) assertHeadMatches(decodeHead(record.bytes).info, this.manifest, key);
    const usable = record.kept && keptForModel(record.kept, this.manifest.labels);
    if (!record.kept || !usable || usable.labels.length === 0) {
      throw new EdgetuneError(
        ErrorCodes.HEAD_NO_SAMPLES,
        record.kept
          ? `none of the samples kept with head '${key}' has a label of ${this.manifest.name} ${this.manifest.version}; personalize again`
          : `head '${key}' was saved without its samples, so it cannot be re-personalized; personalize again and save with saveHead('${key}', { keepSamples: true })`,
      );
    }
    const settings = resolvePersonalizeOptions({ ...record.kept.settings, ...pickPersonalizeOptions(overrides) });
    const report = await this.#train(usable, undefined, this.#pretrained, settings, onStep, isCancelled);
    this.#kept = { ...record.kept, settings };
    return { report, head: await this.saveHead(key, { keepSamples: true }) };
  }

  resetHead(): void {
    this.#current = this.#pretrained;
    this.#personalized = false;
    this.#kept = undefined;
  }

  exportHead(): Uint8Array {
    return encodeHead(this.#asTensors(this.#current), { model: this.manifest.name, version: this.manifest.version });
  }

  importHead(bytes: Uint8Array, key?: string): void {
    const decoded = decodeHead(bytes);
    assertHeadMatches(decoded.info, this.manifest, key);
    this.#current = new Map([...decoded.parameters].map(([name, t]) => [name, t.data.slice()]));
    this.#personalized = true;
    this.#kept = undefined;
  }

  /** `keepSamples`: store the samples the head was personalized on with it (the user's consent), for repersonalize(). */
  async saveHead(key: string, options: { keepSamples?: boolean } = {}): Promise<HeadSummary> {
    validateHeadKey(key);
    const store = await this.openStore();
    const bytes = this.exportHead();
    const kept = options.keepSamples ? this.#kept : undefined;
    const record: HeadRecord = { key, model: this.manifest.name, version: this.manifest.version, savedAt: new Date().toISOString(), bytes, ...(kept ? { kept } : {}) };
    await store.save(record);
    return summarizeHead(record);
  }

  /** Installs the head saved under `key`; one saved for another version is refused with E_HEAD_STALE. */
  async loadHead(key: string): Promise<void> {
    const record = await this.#loadRecord(key);
    this.importHead(record.bytes, key);
    this.#kept = record.kept;
  }

  async #loadRecord(key: string): Promise<HeadRecord> {
    validateHeadKey(key);
    const record = await (await this.openStore()).load(key);
    if (!record) throw new EdgetuneError(ErrorCodes.HEAD_NOT_FOUND, `no head is saved under "${key}"; listHeads() shows the saved ones`);
    return record;
  }

  /** Every saved head; those of another version of this model are marked `stale` (repersonalize() them). */
  async listHeads(): Promise<HeadSummary[]> {
    const { name, version } = this.manifest;
    return (await (await this.openStore()).list()).map((head) => (head.model === name && head.version !== version ? { ...head, stale: true } : head));
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
    if (!tensor || tensor.shape.length !== shape.length || tensor.shape.some((dim, i) => dim !== shape[i])) {
      throw new EdgetuneError(ErrorCodes.HEAD_INVALID, `head.safetensors lacks ${name} of shape [${shape.join(', ')}]; re-export the checkpoint`);
    }
    if (firstNonFinite(tensor.data) >= 0) {
      throw new EdgetuneError(ErrorCodes.HEAD_INVALID, `head.safetensors holds a NaN or infinite value in ${name}; re-export the checkpoint`);
    }
    parameters.set(name, tensor.data);
  }
  return parameters;
}
