import { InputRangeError, InputTypeError } from '../errors.ts';
import { toModelBatch, type ClassifierInput } from '../input/to-model-input.ts';

export interface LabelledSample {
  readonly input: ClassifierInput;
  /** A label of the model (e.g. "7") or its index in `classifier.labels`. */
  readonly label: string | number;
}

/** Validates samples on the caller's side and packs them for the worker; nothing is sent if any is bad. */
export function packSamples(samples: unknown, labels: readonly string[], name: string): { pixels: Float32Array; labels: Int32Array } {
  if (!Array.isArray(samples)) throw new InputTypeError(`${name} must be an array of { input, label }`);
  if (samples.length === 0) throw new InputRangeError(`${name} is empty; pass at least one { input, label }`);
  const indices = new Int32Array(samples.length);
  samples.forEach((sample: unknown, i) => {
    if (typeof sample !== 'object' || sample === null || !('input' in sample) || !('label' in sample)) {
      throw new InputTypeError(`${name}[${i}] must be an object { input, label }`);
    }
    const label = (sample as LabelledSample).label;
    if (typeof label === 'number') {
      if (!Number.isInteger(label) || label < 0 || label >= labels.length) {
        throw new InputRangeError(`${name}[${i}].label ${label} is not a label index: expected an integer from 0 to ${labels.length - 1}`);
      }
      indices[i] = label;
    } else if (typeof label === 'string') {
      const index = labels.indexOf(label);
      if (index < 0) throw new InputRangeError(`${name}[${i}].label "${label}" is not one of this model's labels: ${labels.join(', ')}`);
      indices[i] = index;
    } else {
      throw new InputTypeError(`${name}[${i}].label must be one of the model's labels (string) or its index (number)`);
    }
  });
  const pixels = toModelBatch(
    samples.map((s: LabelledSample) => s.input),
    name,
  );
  return { pixels, labels: indices };
}
