import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from './manifest.ts';
import { sampleManifest } from './test-manifest.ts';

function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function parseError(value: unknown): ManifestError {
  try {
    parseManifest(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('expected parseManifest to throw');
}

describe('parseManifest returns a bounded plain copy', () => {
  it('refuses a 6,000-deep array under training, naming the field, instead of passing it on', () => {
    const error = parseError({ ...sampleManifest(), training: { history: nested(6000) } });
    expect(error.message).toMatch(/^manifest\.training\.history(\[0\])+: nests deeper than 32 levels$/);
  });

  it('refuses a cycle and more values than any manifest holds', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(parseError({ ...sampleManifest(), training: cyclic }).message).toMatch(/nests deeper/);
    expect(parseError({ ...sampleManifest(), training: { log: new Array(200_000).fill(1) } }).message).toMatch(/more than 100000 values/);
  });

  it('refuses values JSON cannot hold: NaN, functions, class instances', () => {
    expect(parseError({ ...sampleManifest(), training: { rate: Number.NaN } }).message).toMatch(/training\.rate: must be a finite number/);
    expect(parseError({ ...sampleManifest(), training: { f: () => 1 } }).message).toMatch(/training\.f: must be JSON data/);
    expect(parseError({ ...sampleManifest(), training: { at: new Date() } }).message).toMatch(/training\.at: must be a plain object/);
  });

  it('returns a fresh object that later changes to the input cannot reach, and reads each getter once', () => {
    let reads = 0;
    const input = { ...sampleManifest() } as Record<string, unknown>;
    const name = input.name;
    Object.defineProperty(input, 'name', { enumerable: true, get: () => (++reads === 1 ? name : 42) });
    const parsed = parseManifest(input);
    expect(parsed.name).toBe(name);
    expect(reads).toBe(1);
    (input.labels as string[])[0] = 'changed';
    expect(parsed.labels[0]).not.toBe('changed');
  });

  it('reports a throwing getter as an invalid manifest', () => {
    const input = Object.defineProperty({ ...sampleManifest() }, 'version', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(parseError(input).message).toMatch(/could not be read as JSON data \(boom\)/);
  });
});
