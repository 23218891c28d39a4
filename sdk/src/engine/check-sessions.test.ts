import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../artifacts/manifest.ts';
import { checkSessions, checkTrainStepSession } from './check-sessions.ts';
import type { InferenceSession } from './ort-types.ts';

/** The committed checkpoints, opened by onnxruntime-node: the sessions the checks read. */
const MODELS_DIR = resolve(process.env.EDGETUNE_MODELS_DIR ?? 'models');

interface Opened {
  readonly manifest: Manifest;
  readonly model: InferenceSession;
  readonly head: InferenceSession;
  readonly trainStep: InferenceSession;
}

async function open(name: string): Promise<Opened> {
  const directory = join(MODELS_DIR, name);
  const session = (file: string) => ort.InferenceSession.create(join(directory, file)) as Promise<InferenceSession>;
  return {
    manifest: JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')) as Manifest,
    model: await session('model.onnx'),
    head: await session('head.onnx'),
    trainStep: await session('train-step.onnx'),
  };
}

let cnn: Opened;
let mlp: Opened;
beforeAll(async () => {
  cnn = await open('mnist-cnn');
  mlp = await open('mnist-mlp');
});

function refusal(check: () => void): Error & { code?: string } {
  try {
    check();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the check to refuse');
}

describe('checkSessions at load', () => {
  it('accepts each committed checkpoint as it is', () => {
    for (const { manifest, model, head, trainStep } of [cnn, mlp]) {
      expect(() => checkSessions(manifest, { model, head })).not.toThrow();
      expect(() => checkTrainStepSession(manifest, trainStep)).not.toThrow();
    }
  });

  it.each([5, 12])('refuses %i labels for a 10-class model, naming the output', (count) => {
    const labels = Array.from({ length: count }, (_, i) => `class ${i}`);
    const error = refusal(() => checkSessions({ ...cnn.manifest, labels }, cnn));
    expect(error.code).toBe('E_MANIFEST_INVALID');
    expect(error.message).toContain(`model.onnx output "probs" is [N,10], expected [N,${count}]`);
    expect(error.message).toContain('re-export or re-publish');
  });

  it("refuses the MLP's model.onnx and head.onnx in the CNN's manifest: the feature size differs", () => {
    const error = refusal(() => checkSessions(cnn.manifest, { model: mlp.model, head: mlp.head }));
    expect(error.code).toBe('E_MANIFEST_INVALID');
    expect(error.message).toContain('model.onnx output "features" is [N,256], expected [N,128]');
    expect(error.message).toContain('head.onnx input "head.0.weight" is [256,10], expected [128,10]');
  });

  it('refuses renamed inputs and outputs, and head parameters of another shape', () => {
    const manifest: Manifest = {
      ...cnn.manifest,
      input: { ...cnn.manifest.input, name: 'pixels' },
      outputs: { ...cnn.manifest.outputs, probs: { name: 'softmax', shape: [null, 10] } },
      head: { ...cnn.manifest.head, parameters: [{ name: 'head.0.weight', shape: [10, 128] }, { name: 'head.0.bias', shape: [10] }] },
    };
    const error = refusal(() => checkSessions(manifest, cnn));
    expect(error.message).toContain('model.onnx needs an input "image" that the manifest does not describe');
    expect(error.message).toContain('model.onnx has no input "pixels"');
    expect(error.message).toContain('model.onnx has no output "softmax" (its outputs: probs, features)');
    expect(error.message).toContain('head.onnx input "head.0.weight" is [128,10], expected [10,128]');
  });

  it('refuses a manifest whose own shapes disagree with its labels and feature size', () => {
    const manifest: Manifest = { ...cnn.manifest, outputs: { ...cnn.manifest.outputs, features: { name: 'features', shape: [null, 64] } } };
    expect(refusal(() => checkSessions(manifest, cnn)).message).toContain('manifest outputs.features.shape is [N,64], but the model needs [N,128]');
  });
});

describe('checkTrainStepSession', () => {
  it("refuses the MLP's train-step.onnx for the CNN's head", () => {
    const error = refusal(() => checkTrainStepSession(cnn.manifest, mlp.trainStep));
    expect(error.code).toBe('E_MANIFEST_INVALID');
    expect(error.message).toContain('train-step.onnx input "features" is [S,N,256], expected [N,N,128]');
  });
});
