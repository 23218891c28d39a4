/**
 * manifest.json of a model checkpoint: its type and a validator.
 * Pure module (no Node APIs): shared by the export scripts, the SDK and the edge Worker.
 */

import type { CheckpointFileName, FileDigest, Manifest, RetrainProvenance, TensorSpec, TestAccuracy, TrainStepNaming } from '../engine/engine-protocol.ts';

export type { CheckpointFileName, FileDigest, Manifest, RetrainProvenance, TensorSpec, TestAccuracy, TrainStepNaming };

export const MANIFEST_INVALID = 'E_MANIFEST_INVALID';

export class ManifestError extends Error {
  readonly code = MANIFEST_INVALID;

  /** Dotted path of the offending field, e.g. `head.parameters[0].shape`. */
  constructor(readonly field: string, problem: string) {
    super(`manifest.${field}: ${problem}`);
    this.name = 'ManifestError';
  }
}

/** Every file of a checkpoint except manifest.json itself. */
export const CHECKPOINT_FILES = ['model.onnx', 'head.onnx', 'train-step.onnx', 'head.safetensors'] as const satisfies readonly CheckpointFileName[];





/** The value names train-step.onnx uses; the exporter writes them and each manifest repeats them. */
export const TRAIN_STEP_NAMES = {
  inputs: {
    features: 'features',
    labels: 'labels',
    learningRate: 'learning_rate',
    momentum: 'momentum',
    l2Sp: 'l2_sp',
    velocityPrefix: 'velocity.',
    anchorPrefix: 'anchor.',
  },
  outputs: { loss: 'loss', parameterPrefix: 'new.', velocityPrefix: 'new.velocity.' },
} as const satisfies TrainStepNaming;


const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/**
 * A checkpoint file name: an allow-list, so no name can carry a URL scheme (`https:x`), a path,
 * a query, an escape, or whitespace that a URL parser strips (`".\t."` would become `..`).
 * Starting with a letter or digit also rules out `.` and `..`.
 */
export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

type Json = Record<string, unknown>;

/**
 * Returns a fresh plain copy of the value typed as a Manifest, or throws a ManifestError naming
 * the first bad field.
 */
export function parseManifest(value: unknown): Manifest {
  const root = object(plainJson(value), '(root)');
  literal(root, 'manifestVersion', 1, '');
  string(root, 'name', '');
  matches(root, 'version', SEMVER, 'a semver version like 1.2.3', '');
  matches(root, 'createdAt', ISO_TIMESTAMP, 'an ISO 8601 timestamp', '');
  if (Number.isNaN(Date.parse(root.createdAt as string))) throw new ManifestError('createdAt', 'is not a valid date');
  const labels = array(root, 'labels', '');
  if (labels.length === 0) throw new ManifestError('labels', 'must not be empty');
  labels.forEach((_, i) => string(labels as unknown as Json, i, 'labels'));

  const input = object(root.input, 'input');
  string(input, 'name', 'input');
  dims(input, 'shape', 'input');
  literal(input, 'dtype', 'float32', 'input');
  literal(input, 'layout', 'NCHW', 'input');
  const range = array(input, 'range', 'input');
  if (range.length !== 2 || !range.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ManifestError('input.range', 'must be two finite numbers [min, max]');
  }
  literal(input, 'polarity', 'white-on-black', 'input');
  string(input, 'preprocessing', 'input');

  const outputs = object(root.outputs, 'outputs');
  tensorSpec(outputs.probs, 'outputs.probs');
  tensorSpec(outputs.features, 'outputs.features');
  positiveInteger(root, 'featureSize', '');

  const head = object(root.head, 'head');
  positiveInteger(head, 'layers', 'head');
  const parameters = array(head, 'parameters', 'head');
  if (parameters.length === 0) throw new ManifestError('head.parameters', 'must not be empty');
  parameters.forEach((p, i) => tensorSpec(p, `head.parameters[${i}]`));
  const headOutputs = object(head.outputs, 'head.outputs');
  string(headOutputs, 'probs', 'head.outputs');
  string(headOutputs, 'logits', 'head.outputs');
  const trainStep = object(head.trainStep, 'head.trainStep');
  const stepInputs = object(trainStep.inputs, 'head.trainStep.inputs');
  for (const key of ['features', 'labels', 'learningRate', 'momentum', 'l2Sp', 'velocityPrefix', 'anchorPrefix']) {
    string(stepInputs, key, 'head.trainStep.inputs');
  }
  const stepOutputs = object(trainStep.outputs, 'head.trainStep.outputs');
  for (const key of ['loss', 'parameterPrefix', 'velocityPrefix']) string(stepOutputs, key, 'head.trainStep.outputs');

  const accuracy = object(root.testAccuracy, 'testAccuracy');
  const accuracyValue = finiteNumber(accuracy, 'value', 'testAccuracy');
  if (accuracyValue < 0 || accuracyValue > 1) throw new ManifestError('testAccuracy.value', 'must be within [0, 1]');
  nonNegativeInteger(accuracy, 'correct', 'testAccuracy');
  nonNegativeInteger(accuracy, 'total', 'testAccuracy');
  for (const key of ['dataset', 'runtime', 'file']) string(accuracy, key, 'testAccuracy');

  object(root.training, 'training');
  nonNegativeInteger(root, 'flops', '');

  const files = object(root.files, 'files');
  for (const required of CHECKPOINT_FILES) {
    if (!(required in files)) throw new ManifestError(`files["${required}"]`, 'is missing');
  }
  for (const [fileName, digest] of Object.entries(files)) {
    const at = `files[${JSON.stringify(fileName)}]`;
    if (!FILE_NAME.test(fileName)) {
      throw new ManifestError(at, 'must be a plain file name: 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit');
    }
    const entry = object(digest, at);
    matches(entry, 'sha256', SHA256_HEX, '64 lowercase hex characters', at);
    nonNegativeInteger(entry, 'bytes', at);
  }
  if (root.provenance !== undefined) provenance(root.provenance);
  return root as unknown as Manifest;
}

/** The optional record of a retrain; checked field by field like the rest. */
function provenance(value: unknown): void {
  const record = object(value, 'provenance');
  matches(record, 'baseVersion', SEMVER, 'a semver version like 1.2.3', 'provenance');
  const samples = object(record.samples, 'provenance.samples');
  for (const key of ['used', 'heldOut', 'skipped']) nonNegativeInteger(samples, key, 'provenance.samples');
  const cursor = object(record.exportCursor, 'provenance.exportCursor');
  const after = nonNegativeInteger(cursor, 'after', 'provenance.exportCursor');
  if (nonNegativeInteger(cursor, 'through', 'provenance.exportCursor') < after) {
    throw new ManifestError('provenance.exportCursor.through', 'must not be below after');
  }
  nonNegativeInteger(record, 'replayImages', 'provenance');
  object(record.config, 'provenance.config');
  const gate = object(record.gate, 'provenance.gate');
  for (const key of ['mnistAccuracy', 'mnistBar', 'heldOutBase', 'heldOutNew', 'pValue']) {
    const figure = finiteNumber(gate, key, 'provenance.gate');
    if (figure < 0 || figure > 1) throw new ManifestError(`provenance.gate.${key}`, 'must be within [0, 1]');
  }
}

/** Far beyond a real manifest (depth ~5, a few hundred values), far below what overflows a stack. */
const MAX_JSON_DEPTH = 32;
const MAX_JSON_VALUES = 100_000;

/**
 * A copy holding only JSON data (no getters, prototypes, cycles or class instances), bounded in
 * depth and size, so that validation sees exactly what is returned and the result can cross
 * postMessage and JSON.stringify: a 6,000-deep array under `training` once overflowed the
 * structured-clone deserializer and the load never settled.
 */
export function plainJson(value: unknown): unknown {
  let values = 0;
  const copy = (item: unknown, field: string, depth: number): unknown => {
    const at = field || '(root)';
    if (++values > MAX_JSON_VALUES) throw new ManifestError(at, `makes the manifest hold more than ${MAX_JSON_VALUES} values`);
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return item;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw new ManifestError(at, `must be a finite number, got ${item}`);
      return item;
    }
    if (typeof item !== 'object') throw new ManifestError(at, `must be JSON data, got ${typeof item}`);
    if (depth >= MAX_JSON_DEPTH) throw new ManifestError(at, `nests deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(item)) return Array.from(item, (element, i) => copy(element, `${field}[${i}]`, depth + 1));
    const prototype = Object.getPrototypeOf(item);
    if (prototype !== Object.prototype && prototype !== null) throw new ManifestError(at, 'must be a plain object');
    // defineProperty-style entries: a key "__proto__" stays data, never a prototype.
    return Object.fromEntries(Object.keys(item).map((key) => [key, copy((item as Json)[key], path(field, key), depth + 1)]));
  };
  try {
    return copy(value, '', 0);
  } catch (error) {
    if (error instanceof ManifestError) throw error;
    // A throwing getter or proxy trap.
    throw new ManifestError('(root)', `could not be read as JSON data (${(error as Error).message})`);
  }
}

function path(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

function object(value: unknown, at: string): Json {
  if (value === undefined) throw new ManifestError(at, 'is missing');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(at, `must be an object, got ${describe(value)}`);
  }
  return value as Json;
}

function field(parent: Json, key: string | number, at: string): unknown {
  const value = parent[key];
  if (value === undefined) throw new ManifestError(path(at, key), 'is missing');
  return value;
}

function string(parent: Json, key: string | number, at: string): string {
  const value = field(parent, key, at);
  if (typeof value !== 'string' || value.length === 0) {
    throw new ManifestError(path(at, key), `must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function matches(parent: Json, key: string, pattern: RegExp, expected: string, at: string): void {
  const value = string(parent, key, at);
  if (!pattern.test(value)) throw new ManifestError(path(at, key), `must be ${expected}, got ${JSON.stringify(value)}`);
}

function literal(parent: Json, key: string, expected: string | number, at: string): void {
  const value = field(parent, key, at);
  if (value !== expected) {
    throw new ManifestError(path(at, key), `must be ${JSON.stringify(expected)}, got ${describe(value)}`);
  }
}

function array(parent: Json, key: string, at: string): unknown[] {
  const value = field(parent, key, at);
  if (!Array.isArray(value)) throw new ManifestError(path(at, key), `must be an array, got ${describe(value)}`);
  return value;
}

function finiteNumber(parent: Json, key: string, at: string): number {
  const value = field(parent, key, at);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ManifestError(path(at, key), `must be a finite number, got ${describe(value)}`);
  }
  return value;
}

function nonNegativeInteger(parent: Json, key: string, at: string): number {
  const value = finiteNumber(parent, key, at);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ManifestError(path(at, key), `must be a non-negative integer, got ${value}`);
  }
  return value;
}

function positiveInteger(parent: Json, key: string, at: string): number {
  const value = nonNegativeInteger(parent, key, at);
  if (value === 0) throw new ManifestError(path(at, key), 'must be positive');
  return value;
}

function dims(parent: Json, key: string, at: string): void {
  const shape = array(parent, key, at);
  shape.forEach((dim, i) => {
    if (dim !== null && !(typeof dim === 'number' && Number.isSafeInteger(dim) && dim > 0)) {
      throw new ManifestError(`${path(at, key)}[${i}]`, `must be a positive integer or null, got ${describe(dim)}`);
    }
  });
}

function tensorSpec(value: unknown, at: string): void {
  const spec = object(value, at);
  string(spec, 'name', at);
  dims(spec, 'shape', at);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
