import { describe, expect, it } from 'vitest';
import { MANIFEST_INVALID, ManifestError, parseManifest, type Manifest } from './manifest.ts';
import { sampleManifest } from './test-manifest.ts';

const digest = { sha256: 'a'.repeat(64), bytes: 1234 };

function validManifest(): Manifest {
  return sampleManifest();
}

/** Applies `mutate` to a fresh valid manifest and returns the ManifestError it causes. */
function errorAfter(mutate: (m: Record<string, any>) => void): ManifestError {
  const manifest = validManifest() as unknown as Record<string, any>;
  mutate(manifest);
  try {
    parseManifest(JSON.parse(JSON.stringify(manifest)));
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).code).toBe(MANIFEST_INVALID);
    return error as ManifestError;
  }
  throw new Error('expected parseManifest to throw');
}

describe('parseManifest', () => {
  it('accepts a complete manifest and returns it unchanged', () => {
    const manifest = validManifest();
    expect(parseManifest(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
  });

  it('ignores fields it does not know, so newer manifests stay readable', () => {
    expect(() => parseManifest({ ...validManifest(), extra: { anything: true } })).not.toThrow();
  });

  it('accepts a retrain provenance and checks it field by field', () => {
    const provenance = {
      baseVersion: '1.1.0',
      samples: { used: 420, heldOut: 180, skipped: 3 },
      exportCursor: { after: 0, through: 603 },
      replayImages: 1260,
      config: { layers: 'dense', epochs: 6 },
      gate: { mnistAccuracy: 0.99, mnistBar: 0.985, heldOutBase: 0.5, heldOutNew: 0.7, pValue: 1e-6 },
    };
    const manifest = { ...validManifest(), provenance };
    expect(parseManifest(JSON.parse(JSON.stringify(manifest))).provenance).toEqual(provenance);
    const broken = (edit: (p: Record<string, any>) => void) =>
      errorAfter((m) => {
        m.provenance = JSON.parse(JSON.stringify(provenance));
        edit(m.provenance);
      }).field;
    expect(broken((p) => (p.baseVersion = 'one'))).toBe('provenance.baseVersion');
    expect(broken((p) => (p.samples.used = -1))).toBe('provenance.samples.used');
    expect(broken((p) => delete p.samples.skipped)).toBe('provenance.samples.skipped');
    expect(broken((p) => (p.exportCursor.through = -2))).toBe('provenance.exportCursor.through');
    expect(broken((p) => (p.exportCursor = { after: 9, through: 3 }))).toBe('provenance.exportCursor.through');
    expect(broken((p) => (p.config = []))).toBe('provenance.config');
    expect(broken((p) => (p.gate.pValue = 2))).toBe('provenance.gate.pValue');
    expect(errorAfter((m) => (m.provenance = 'retrained')).field).toBe('provenance');
  });

  it('names a missing top-level field', () => {
    const error = errorAfter((m) => delete m.featureSize);
    expect(error.field).toBe('featureSize');
    expect(error.message).toBe('manifest.featureSize: is missing');
  });

  it.each([
    ['version', (m: Record<string, any>) => (m.version = '1.2'), /semver/],
    ['createdAt', (m: Record<string, any>) => (m.createdAt = 'yesterday'), /ISO 8601/],
    ['labels[3]', (m: Record<string, any>) => (m.labels[3] = 3), /non-empty string/],
    ['input.layout', (m: Record<string, any>) => (m.input.layout = 'NHWC'), /"NCHW"/],
    ['input.shape[0]', (m: Record<string, any>) => (m.input.shape[0] = -1), /positive integer or null/],
    ['input.range', (m: Record<string, any>) => (m.input.range = [0]), /two finite numbers/],
    ['outputs.features.name', (m: Record<string, any>) => delete m.outputs.features.name, /missing/],
    ['head.parameters[1].shape', (m: Record<string, any>) => (m.head.parameters[1].shape = '10'), /array/],
    ['head.trainStep.inputs.l2Sp', (m: Record<string, any>) => delete m.head.trainStep.inputs.l2Sp, /missing/],
    ['testAccuracy.value', (m: Record<string, any>) => (m.testAccuracy.value = 99), /within \[0, 1\]/],
    ['testAccuracy.total', (m: Record<string, any>) => (m.testAccuracy.total = 1.5), /integer/],
    ['training', (m: Record<string, any>) => (m.training = 'default'), /object/],
    ['flops', (m: Record<string, any>) => (m.flops = '1e6'), /finite number/],
    ['files["head.onnx"]', (m: Record<string, any>) => delete m.files['head.onnx'], /missing/],
    ['files["model.onnx"].sha256', (m: Record<string, any>) => (m.files['model.onnx'] = { ...digest, sha256: 'ABC' }), /hex/],
  ])('rejects a bad %s, naming the field', (field, mutate, problem) => {
    const error = errorAfter(mutate);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
  });

  it.each(['model.onnx', 'head.safetensors', 'weights_2-b.bin', 'A'.repeat(128)])('accepts the plain file name %j', (name) => {
    expect(() => parseManifest({ ...validManifest(), files: { ...validManifest().files, [name]: digest } })).not.toThrow();
  });

  it.each(['https:127.0.0.1:8080', 'x:hello', '.', '..', '.\t.', ' .. ', '.hidden', 'a/b', 'a\\b', 'a b', '%2e', 'a?b', 'a#b', '', 'A'.repeat(129)])(
    'rejects the file name %j',
    (name) => {
      const error = errorAfter((m) => (m.files[name] = digest));
      expect(error.field).toBe(`files[${JSON.stringify(name)}]`);
      expect(error.message).toMatch(/plain file name/);
    },
  );

  it('rejects something that is not an object at all', () => {
    expect(() => parseManifest(null)).toThrow(ManifestError);
    expect(() => parseManifest([])).toThrow(/must be an object/);
  });
});
