import { decodeSafetensors, encodeSafetensors, type Float32Tensor } from '../artifacts/safetensors.ts';
import { EdgetuneError, ErrorCodes, InputRangeError, InputTypeError } from '../errors.ts';

/**
 * A head as safetensors bytes: the parameters as F32 tensors, and in `__metadata__` what the
 * head belongs to (`format: 'edgetune-head'`, model, version, ...), so the bytes identify
 * themselves wherever they travel (exportHead, a store, a file).
 */

export const HEAD_FORMAT = 'edgetune-head';
/** Bumped on incompatible layout changes; decodeHead refuses versions it does not know. */
export const HEAD_FORMAT_VERSION = '1';

export interface HeadInfo {
  /** Manifest name of the model, e.g. `mnist-mlp`. */
  readonly model: string;
  /** Manifest version of the model. */
  readonly version: string;
  /** ISO 8601 timestamp. */
  readonly savedAt?: string;
  readonly steps?: number;
  readonly samples?: number;
}

export type HeadParameters = ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;

/** HeadInfo as read back, plus the layout of the parameters it holds. */
export interface DecodedHeadInfo extends HeadInfo {
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly shape: readonly number[] }>;
}

export interface DecodedHead {
  /** In file order. */
  readonly parameters: Map<string, Float32Tensor>;
  readonly info: DecodedHeadInfo;
}

/** The part of a manifest a head must agree with (a Manifest fits). */
export interface HeadTarget {
  readonly name: string;
  readonly version: string;
  readonly head: { readonly parameters: ReadonlyArray<{ readonly name: string; readonly shape: ReadonlyArray<number | null> }> };
}

const COUNT = /^(0|[1-9]\d*)$/;

/** Parameters in the given order plus info -> safetensors bytes. Same input -> same bytes. */
export function encodeHead(parameters: HeadParameters, info: HeadInfo): Uint8Array {
  if (!(parameters instanceof Map)) throw new InputTypeError('parameters must be a Map of name -> { shape, data }');
  if (parameters.size === 0) throw new InputRangeError('parameters must not be empty');
  for (const [name, tensor] of parameters) {
    if (name.length === 0 || name === '__metadata__') throw new InputRangeError(`parameters: ${JSON.stringify(name)} is not a usable parameter name`);
    if (!(tensor?.data instanceof Float32Array)) throw new InputTypeError(`parameters["${name}"].data must be a Float32Array`);
    const shape: unknown = tensor.shape;
    const count = Array.isArray(shape) && shape.every(isCount) ? shape.reduce((product: number, dim: number) => product * dim, 1) : Number.NaN;
    if (count !== tensor.data.length) {
      throw new InputRangeError(`parameters["${name}"]: shape [${String(tensor.shape)}] does not hold ${tensor.data.length} values`);
    }
  }
  return encodeSafetensors(parameters, infoToMetadata(info));
}

/** safetensors bytes -> parameters and info; anything else throws E_HEAD_INVALID. */
export function decodeHead(bytes: Uint8Array): DecodedHead {
  if (!(bytes instanceof Uint8Array)) throw new InputTypeError('bytes must be a Uint8Array of safetensors bytes');
  let content;
  try {
    content = decodeSafetensors(bytes);
  } catch (cause) {
    throw invalid(`they are not a readable safetensors file: ${(cause as Error).message}`, cause);
  }
  const { metadata, tensors } = content;
  if (metadata.format !== HEAD_FORMAT) {
    throw invalid(
      metadata.format === undefined
        ? 'the safetensors metadata has no "format" (a plain checkpoint head.safetensors is not a saved head)'
        : `metadata.format is ${JSON.stringify(metadata.format)}, expected "${HEAD_FORMAT}"`,
    );
  }
  if (metadata.formatVersion !== HEAD_FORMAT_VERSION) {
    throw invalid(`head format version ${JSON.stringify(metadata.formatVersion)} is not supported (this SDK reads ${HEAD_FORMAT_VERSION}); a newer edgetune may read it`);
  }
  if (tensors.size === 0) throw invalid('it holds no parameters');
  for (const [name, tensor] of tensors) {
    const index = firstNonFinite(tensor.data);
    // A NaN or infinite weight turns every prediction into NaN.
    if (index >= 0) throw invalid(`parameter ${name}[${index}] is ${tensor.data[index]}; a head holds finite numbers only`);
  }
  const layout = [...tensors].map(([name, tensor]) => ({ name, shape: tensor.shape }));
  return { parameters: tensors, info: { ...metadataToInfo(metadata), parameters: layout } };
}

/**
 * Throws unless the head (decodeHead(...).info) was saved for this model and version and holds
 * exactly the parameters, names and shapes, that the target lists: E_HEAD_STALE for another
 * version of the same model (a head is never applied across versions), else E_HEAD_MISMATCH.
 */
export function assertHeadMatches(info: DecodedHeadInfo, target: HeadTarget, key?: string): void {
  const subject = key === undefined ? 'this head' : `head '${key}'`;
  if (info.model === target.name && info.version !== target.version) {
    throw new EdgetuneError(
      ErrorCodes.HEAD_STALE,
      `${subject} was saved for ${info.model} ${info.version}; this classifier is ${target.version}, and a head is never applied across versions` +
        ` — ${key === undefined ? 'personalize again' : `repersonalize('${key}') retrains it on ${target.version} if it was saved with keepSamples, else personalize again`}`,
    );
  }
  if (info.model !== target.name) {
    throw new EdgetuneError(
      ErrorCodes.HEAD_MISMATCH,
      `${subject} was saved for ${info.model} ${info.version}; this classifier is ${target.name} ${target.version}` +
        ` — personalize again or load it into a ${info.model} ${info.version} classifier`,
    );
  }
  const problems: string[] = [];
  const actual = new Map(info.parameters.map((spec) => [spec.name, spec.shape] as const));
  for (const { name, shape } of target.head.parameters) {
    const found = actual.get(name);
    if (!found) problems.push(`${name} is missing`);
    else if (!sameShape(found, shape)) problems.push(`${name} is [${found.join(',')}], expected [${shape.join(',')}]`);
    actual.delete(name);
  }
  for (const name of actual.keys()) problems.push(`${name} is not a parameter of this classifier`);
  if (problems.length > 0) {
    throw new EdgetuneError(
      ErrorCodes.HEAD_MISMATCH,
      `${subject} does not fit ${target.name} ${target.version}: ${problems.join('; ')}` +
        ' — it was damaged or written for another architecture; personalize again',
    );
  }
}

/** The index of the first NaN or infinite value, or -1. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function sameShape(actual: readonly number[], expected: ReadonlyArray<number | null>): boolean {
  return actual.length === expected.length && actual.every((dim, i) => dim === expected[i]);
}

function infoToMetadata(info: HeadInfo): Record<string, string> {
  if (typeof info !== 'object' || info === null) throw new InputTypeError('info must be an object { model, version, ... }');
  for (const field of ['model', 'version'] as const) {
    if (typeof info[field] !== 'string' || info[field].length === 0) throw new InputTypeError(`info.${field} must be a non-empty string`);
  }
  const metadata: Record<string, string> = { format: HEAD_FORMAT, formatVersion: HEAD_FORMAT_VERSION, model: info.model, version: info.version };
  if (info.savedAt !== undefined) {
    if (typeof info.savedAt !== 'string' || Number.isNaN(Date.parse(info.savedAt))) throw new InputRangeError('info.savedAt must be an ISO 8601 timestamp');
    metadata.savedAt = info.savedAt;
  }
  for (const field of ['steps', 'samples'] as const) {
    const value = info[field];
    if (value === undefined) continue;
    if (!isCount(value)) throw new InputRangeError(`info.${field} must be a non-negative integer, got ${String(value)}`);
    metadata[field] = String(value);
  }
  return metadata;
}

function metadataToInfo(metadata: Record<string, string>): HeadInfo {
  const { model, version, savedAt, steps, samples } = metadata;
  if (!model) throw invalid('metadata.model is missing');
  if (!version) throw invalid('metadata.version is missing');
  if (savedAt !== undefined && Number.isNaN(Date.parse(savedAt))) throw invalid(`metadata.savedAt ${JSON.stringify(savedAt)} is not a timestamp`);
  for (const [field, value] of [['steps', steps], ['samples', samples]] as const) {
    if (value !== undefined && !(COUNT.test(value) && isCount(Number(value)))) throw invalid(`metadata.${field} ${JSON.stringify(value)} is not a non-negative integer`);
  }
  return {
    model,
    version,
    ...(savedAt === undefined ? {} : { savedAt }),
    ...(steps === undefined ? {} : { steps: Number(steps) }),
    ...(samples === undefined ? {} : { samples: Number(samples) }),
  };
}

function invalid(problem: string, cause?: unknown): EdgetuneError {
  return new EdgetuneError(ErrorCodes.HEAD_INVALID, `The head bytes are not a valid edgetune head: ${problem}.`, cause === undefined ? undefined : { cause });
}
