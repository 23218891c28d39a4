import type { PersonalizeSettings } from '../engine/engine-protocol.ts';
import { MODEL_PIXEL_COUNT as PIXELS } from '../input/classifier-input.ts';
import { InputRangeError, InputTypeError } from '../errors.ts';
import { resolvePersonalizeOptions } from '../personalize/personalize-options.ts';
import { DEFAULTS } from '../defaults.ts';

/**
 * The labelled samples a head was personalized on, kept with it only when the app asks
 * (`saveHead(key, { keepSamples: true })`), so that the head can be retrained on a new model
 * version. On the device only. Images are stored as the model sees them, quantized to bytes
 * (784 per image, as MNIST itself); labels by name, since a new version may order them otherwise.
 */
export interface KeptSamples {
  /** `labels.length` x 784 bytes: model-ready pixels x 255, rounded. */
  readonly pixels: Uint8Array;
  readonly labels: readonly string[];
  /** The settings of the personalization that made the head; repersonalize() reuses them. */
  readonly settings: PersonalizeSettings;
}

export const MAX_KEPT_SAMPLES = DEFAULTS.maxKeptSamples;
const MAX_LABEL_LENGTH = 256;

/** Checks every field (a stored record is untrusted) and returns a record of the known fields. */
export function validateKeptSamples(value: unknown, name: string): KeptSamples {
  if (typeof value !== 'object' || value === null) throw new InputTypeError(`${name} must be an object { pixels, labels, settings }`);
  const { pixels, labels, settings } = value as Record<string, unknown>;
  if (!Array.isArray(labels)) throw new InputTypeError(`${name}.labels must be an array of label names`);
  if (labels.length === 0 || labels.length > MAX_KEPT_SAMPLES) throw new InputRangeError(`${name}.labels must hold 1 to ${MAX_KEPT_SAMPLES} labels, got ${labels.length}`);
  labels.forEach((label: unknown, i) => {
    if (typeof label !== 'string' || label.length === 0 || label.length > MAX_LABEL_LENGTH) {
      throw new InputRangeError(`${name}.labels[${i}] must be a label name of 1 to ${MAX_LABEL_LENGTH} characters`);
    }
  });
  if (!(pixels instanceof Uint8Array)) throw new InputTypeError(`${name}.pixels must be a Uint8Array`);
  if (pixels.length !== labels.length * PIXELS) throw new InputRangeError(`${name}.pixels must hold ${labels.length} x ${PIXELS} bytes, got ${pixels.length}`);
  let resolved: PersonalizeSettings;
  try {
    resolved = resolvePersonalizeOptions(typeof settings === 'object' && settings !== null ? (settings as PersonalizeSettings) : {});
  } catch (error) {
    throw new InputRangeError(`${name}.settings: ${(error as Error).message}`);
  }
  if (typeof settings !== 'object' || settings === null) throw new InputTypeError(`${name}.settings must be an object`);
  return { pixels, labels: [...(labels as string[])], settings: resolved };
}

/** `kept` with model-ready samples appended; beyond MAX_KEPT_SAMPLES the oldest go. */
export function appendKept(
  kept: KeptSamples | undefined,
  samples: { readonly pixels: Float32Array; readonly labels: Int32Array },
  labelNames: readonly string[],
  settings: PersonalizeSettings,
): KeptSamples {
  const count = Math.min(MAX_KEPT_SAMPLES, (kept?.labels.length ?? 0) + samples.labels.length);
  const added = new Uint8Array(samples.pixels.length);
  for (let i = 0; i < added.length; i++) added[i] = Math.round(Math.min(1, Math.max(0, samples.pixels[i]!)) * 255);
  const all = new Uint8Array((kept?.pixels.length ?? 0) + added.length);
  if (kept) all.set(kept.pixels);
  all.set(added, kept?.pixels.length ?? 0);
  const labels = [...(kept?.labels ?? []), ...Array.from(samples.labels, (index) => labelNames[index]!)];
  return { pixels: all.slice(all.length - count * PIXELS), labels: labels.slice(labels.length - count), settings };
}

/** The kept samples whose label this model has, ready for personalization. */
export function keptForModel(kept: KeptSamples, labelNames: readonly string[]): { pixels: Float32Array; labels: Int32Array } {
  const rows = kept.labels.flatMap((label, row) => (labelNames.includes(label) ? [row] : []));
  const pixels = new Float32Array(rows.length * PIXELS);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    for (let p = 0; p < PIXELS; p++) pixels[i * PIXELS + p] = kept.pixels[row * PIXELS + p]! / 255;
    labels[i] = labelNames.indexOf(kept.labels[row]!);
  });
  return { pixels, labels };
}

/** A copy with buffers of its own. */
export function copyKept(kept: KeptSamples): KeptSamples {
  return { pixels: new Uint8Array(kept.pixels), labels: [...kept.labels], settings: { ...kept.settings } };
}
