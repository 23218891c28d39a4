import type { HeadSummary } from '../engine/engine-protocol.ts';
import { InputRangeError, InputTypeError } from '../errors.ts';
import { validateKeptSamples, type KeptSamples } from './kept-samples.ts';

export type { HeadSummary };

/** A personalized head as the stores keep it: the safetensors bytes plus what they belong to. */
export interface HeadRecord {
  readonly key: string;
  /** Manifest name of the model the head was trained on, e.g. `mnist-mlp`. */
  readonly model: string;
  /** Manifest version of that model. */
  readonly version: string;
  /** ISO 8601 timestamp. */
  readonly savedAt: string;
  /** safetensors bytes (see head-codec.ts). */
  readonly bytes: Uint8Array;
  /** SGD steps taken while personalizing. */
  readonly steps?: number;
  /** Labelled samples the head was personalized on. */
  readonly samples?: number;
  /** The samples themselves, when the app asked to keep them (saveHead(key, { keepSamples: true })). */
  readonly kept?: KeptSamples;
}

/** What list() reports: the record without its bytes. */

export const MAX_HEAD_KEY_LENGTH = 128;

// Unicode category Cc: C0, DEL and C1 controls.
const CONTROL_CHARACTER = /\p{Cc}/u;
// Lone surrogates would be replaced by U+FFFD on the way to UTF-8, so two keys could collide.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Returns the key when it is a non-empty string of at most 128 UTF-16 code units, with no
 * control characters and no lone surrogates; else throws InputTypeError/InputRangeError naming it.
 */
export function validateHeadKey(key: unknown, name = 'key'): string {
  if (typeof key !== 'string') throw new InputTypeError(`${name} must be a string, got ${describe(key)}`);
  if (key.length === 0 || key.length > MAX_HEAD_KEY_LENGTH) {
    throw new InputRangeError(`${name} must be 1 to ${MAX_HEAD_KEY_LENGTH} characters long, got ${key.length}`);
  }
  const control = CONTROL_CHARACTER.exec(key);
  if (control) {
    const codePoint = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new InputRangeError(`${name} must not contain control characters, found U+${codePoint} at index ${control.index}`);
  }
  const surrogate = LONE_SURROGATE.exec(key);
  if (surrogate) throw new InputRangeError(`${name} must be well-formed Unicode, found a lone surrogate at index ${surrogate.index}`);
  return key;
}

/**
 * Checks every field and returns a record holding only the known fields (bytes not copied).
 * Stores call it before writing, so every store rejects the same records with the same errors.
 */
export function validateHeadRecord(value: unknown, name = 'record'): HeadRecord {
  if (typeof value !== 'object' || value === null) throw new InputTypeError(`${name} must be an object, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  const key = validateHeadKey(record.key, `${name}.key`);
  const model = nonEmptyString(record.model, `${name}.model`);
  const version = nonEmptyString(record.version, `${name}.version`);
  const savedAt = nonEmptyString(record.savedAt, `${name}.savedAt`);
  if (!ISO_TIMESTAMP.test(savedAt) || Number.isNaN(Date.parse(savedAt))) {
    throw new InputRangeError(`${name}.savedAt must be an ISO 8601 timestamp like 2025-01-31T12:00:00.000Z, got ${JSON.stringify(savedAt)}`);
  }
  const { bytes } = record;
  if (!(bytes instanceof Uint8Array)) throw new InputTypeError(`${name}.bytes must be a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length === 0) throw new InputRangeError(`${name}.bytes must not be empty`);
  const steps = optionalCount(record.steps, `${name}.steps`);
  const samples = optionalCount(record.samples, `${name}.samples`);
  const kept = record.kept === undefined ? undefined : validateKeptSamples(record.kept, `${name}.kept`);
  return {
    key,
    model,
    version,
    savedAt,
    bytes,
    ...(steps === undefined ? {} : { steps }),
    ...(samples === undefined ? {} : { samples }),
    ...(kept === undefined ? {} : { kept }),
  };
}

export function summarizeHead(record: HeadRecord): HeadSummary {
  const { bytes, kept, ...fields } = record;
  return { ...fields, byteLength: bytes.byteLength, ...(kept ? { keptSamples: kept.labels.length } : {}) };
}

/** Orders summaries by key (UTF-16 code units, as IndexedDB orders string keys). */
export function byKey(a: HeadSummary, b: HeadSummary): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new InputTypeError(`${name} must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new InputRangeError(`${name} must not be empty`);
  return value;
}

function optionalCount(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new InputTypeError(`${name} must be a number, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 0) throw new InputRangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
