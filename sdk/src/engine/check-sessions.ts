import type { Manifest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { MODEL_IMAGE_SIZE } from '../input/classifier-input.ts';
import type * as OrtCommon from 'onnxruntime-common';
import type { InferenceSession } from './ort-types.ts';

/*
 * The ONNX sessions are the truth about a checkpoint's files; the manifest only describes them.
 * Each file passed its sha256 check, yet the manifest may list another model's file (5 labels for
 * a 10-class model, the MLP's model.onnx in the CNN's manifest). Comparing the manifest with the
 * sessions' input and output metadata at load refuses that with E_MANIFEST_INVALID, instead of
 * wrong labels, undefined scores or a RangeError deep in personalize.
 */

/** An expected value: `null` dims are the dynamic (symbolic) batch or step dimensions. */
interface Expected {
  readonly name: string;
  readonly type: 'float32' | 'int64';
  readonly shape: ReadonlyArray<number | null>;
}

type Metadata = ReadonlyMap<string, { readonly type?: string; readonly shape?: ReadonlyArray<number | string> } | undefined>;

/** model.onnx and head.onnx, at load. */
export function checkSessions(manifest: Manifest, sessions: { readonly model: InferenceSession; readonly head: InferenceSession }): void {
  const classes = manifest.labels.length;
  const features = manifest.featureSize;
  const problems: string[] = [];
  const size = MODEL_IMAGE_SIZE;
  const sameShape = (what: string, declared: ReadonlyArray<number | null>, needed: ReadonlyArray<number | null>) => {
    if (!sameDims(declared, needed)) problems.push(`manifest ${what} is ${dims(declared)}, but the model needs ${dims(needed)}`);
  };
  sameShape('input.shape', manifest.input.shape, [null, 1, size, size]);
  sameShape('outputs.probs.shape', manifest.outputs.probs.shape, [null, classes]);
  sameShape('outputs.features.shape', manifest.outputs.features.shape, [null, features]);
  compare('model.onnx', sessions.model, [{ name: manifest.input.name, type: 'float32', shape: [null, 1, size, size] }], [
    { name: manifest.outputs.probs.name, type: 'float32', shape: [null, classes] },
    { name: manifest.outputs.features.name, type: 'float32', shape: [null, features] },
  ], problems);
  const parameters = manifest.head.parameters.map((p) => ({ name: p.name, type: 'float32' as const, shape: p.shape }));
  compare('head.onnx', sessions.head, [{ name: 'features', type: 'float32', shape: [null, features] }, ...parameters], [
    { name: manifest.head.outputs.probs, type: 'float32', shape: [null, classes] },
    { name: manifest.head.outputs.logits, type: 'float32', shape: [null, classes] },
  ], problems);
  throwIfAny(manifest, problems);
}

/** train-step.onnx, when its session is created (the first personalize). */
export function checkTrainStepSession(manifest: Manifest, session: InferenceSession): void {
  const { inputs, outputs } = manifest.head.trainStep;
  const features = manifest.featureSize;
  const parameters = manifest.head.parameters;
  const scalar = (name: string): Expected => ({ name, type: 'float32', shape: [] });
  const prefixed = (prefix: string): Expected[] => parameters.map((p) => ({ name: `${prefix}${p.name}`, type: 'float32', shape: p.shape }));
  const problems: string[] = [];
  compare(
    'train-step.onnx',
    session,
    [
      { name: inputs.features, type: 'float32', shape: [null, null, features] },
      { name: inputs.labels, type: 'int64', shape: [null, null] },
      ...prefixed(''),
      ...prefixed(inputs.velocityPrefix),
      ...prefixed(inputs.anchorPrefix),
      scalar(inputs.learningRate),
      scalar(inputs.momentum),
      scalar(inputs.l2Sp),
    ],
    [{ name: outputs.loss, type: 'float32', shape: [null] }, ...prefixed(outputs.parameterPrefix), ...prefixed(outputs.velocityPrefix)],
    problems,
  );
  throwIfAny(manifest, problems);
}

/** Every expected input is fed and every input is expected (the SDK feeds nothing else); every expected output exists. */
function compare(file: string, session: InferenceSession, inputs: readonly Expected[], outputs: readonly Expected[], problems: string[]): void {
  const inputMetadata = metadataOf(session.inputNames, () => session.inputMetadata);
  const outputMetadata = metadataOf(session.outputNames, () => session.outputMetadata);
  const expectedInputs = new Set(inputs.map((input) => input.name));
  for (const name of inputMetadata.keys()) {
    if (!expectedInputs.has(name)) problems.push(`${file} needs an input "${name}" that the manifest does not describe`);
  }
  for (const expected of inputs) check(file, 'input', expected, inputMetadata, problems);
  for (const expected of outputs) check(file, 'output', expected, outputMetadata, problems);
}

function check(file: string, kind: 'input' | 'output', expected: Expected, metadata: Metadata, problems: string[]): void {
  if (!metadata.has(expected.name)) {
    problems.push(`${file} has no ${kind} "${expected.name}" (its ${kind}s: ${[...metadata.keys()].join(', ') || 'none'})`);
    return;
  }
  const actual = metadata.get(expected.name);
  // No metadata (a runtime that does not expose it): the names are all that can be compared.
  if (!actual) return;
  if (actual.type !== undefined && actual.type !== expected.type) {
    problems.push(`${file} ${kind} "${expected.name}" is ${actual.type}, expected ${expected.type}`);
  }
  if (actual.shape !== undefined && !sameDims(actual.shape, expected.shape)) {
    problems.push(`${file} ${kind} "${expected.name}" is ${dims(actual.shape)}, expected ${dims(expected.shape)}`);
  }
}

/** Symbolic dims (strings) match only dynamic ones (null); fixed dims must be equal. */
function sameDims(actual: ReadonlyArray<number | string | null>, expected: ReadonlyArray<number | null>): boolean {
  return (
    actual.length === expected.length &&
    actual.every((dim, i) => (expected[i] === null ? typeof dim === 'string' || dim === null : dim === expected[i]))
  );
}

function metadataOf(names: readonly string[], read: () => readonly OrtCommon.InferenceSession.ValueMetadata[]): Metadata {
  let values: readonly OrtCommon.InferenceSession.ValueMetadata[] = [];
  try {
    values = read() ?? [];
  } catch {
    // Some ONNX Runtime backends throw instead of answering; fall back to names alone.
  }
  const byName = new Map(values.map((value) => [value.name, value.isTensor ? { type: value.type, shape: value.shape } : {}] as const));
  return new Map(names.map((name) => [name, byName.get(name)]));
}

function dims(shape: ReadonlyArray<number | string | null>): string {
  return `[${shape.map((dim) => (dim === null ? 'N' : String(dim))).join(',')}]`;
}

function throwIfAny(manifest: Manifest, problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new EdgetuneError(
    ErrorCodes.MANIFEST_INVALID,
    `The files of ${manifest.name} ${manifest.version} do not match its manifest: ${problems.join('; ')}. Each file passed ` +
      'its sha256 check, so the manifest describes another model or lists another model\'s files: re-export or re-publish the checkpoint.',
  );
}
