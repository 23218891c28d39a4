import * as tf from '@tensorflow/tfjs';
import { useTfjsCpuBackend } from '../../test/support/tfjs-cpu-backend.ts';
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxArtifacts } from './build-onnx-artifacts.ts';
import { compareOnnxWithTfjs, maxAbsDiff } from './parity.ts';
import { buildCnn, buildMlp, buildResidualCnn, randomImages, randomizeWeights, runOnnx } from './test-fixtures.ts';
import { UnsupportedModelError } from './unsupported-model-error.ts';

beforeAll(async () => {
  await useTfjsCpuBackend();
});

const IMAGES = 24;
const images = randomImages(99, IMAGES);

function distinctArgmaxes(probs: Float32Array): number {
  const winners = new Set<number>();
  for (let i = 0; i < probs.length / 10; i++) {
    const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
    winners.add(row.indexOf(Math.max(...row)));
  }
  return winners.size;
}

describe.each([
  { name: 'CNN, same conv / valid pools', build: () => buildCnn(['same', 'valid'], 1), heads: [1, 2] },
  { name: 'CNN, valid conv / same pools (odd same padding)', build: () => buildCnn(['valid', 'same'], 2), heads: [1, 2] },
  { name: 'MLP with a folded BatchNorm', build: () => buildMlp(3), heads: [1, 2, 3] },
  { name: 'functional CNN with a residual Add', build: () => buildResidualCnn(4), heads: [1] },
])('model.onnx of a $name', ({ build, heads }) => {
  const model = build();

  it.each(heads)('matches tfjs predict and exposes the head input as features (K=%i)', async (headLayers) => {
    const artifacts = buildOnnxArtifacts(model, headLayers);
    const report = await compareOnnxWithTfjs(model, artifacts.modelOnnx, images, { headLayers, batchSize: 10 });
    expect(report.count).toBe(IMAGES);
    expect(report.maxAbsProbsDiff).toBeLessThanOrEqual(1e-4);
    expect(report.argmaxMismatches).toBe(0);
    expect(report.maxAbsFeaturesDiff).toBeLessThanOrEqual(1e-4);

    // Guard against a vacuous comparison: the random model must discriminate between images.
    const probs = (model.predict(tf.tensor4d(images, [IMAGES, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array;
    expect(distinctArgmaxes(probs)).toBeGreaterThan(1);
  });

  it.each(heads)('head.onnx fed the pretrained parameters reproduces model.onnx probs (K=%i)', async (headLayers) => {
    const artifacts = buildOnnxArtifacts(model, headLayers);
    const full = await runOnnx(artifacts.modelOnnx, { image: new ort.Tensor('float32', images, [IMAGES, 1, 28, 28]) });
    const feeds: Record<string, ort.Tensor> = { features: full.features! };
    for (const p of artifacts.headParameters) feeds[p.name] = new ort.Tensor('float32', p.data, [...p.shape]);
    const head = await runOnnx(artifacts.headOnnx, feeds);
    expect(head.probs!.dims).toEqual([IMAGES, 10]);
    expect(maxAbsDiff(head.probs!.data as Float32Array, full.probs!.data as Float32Array)).toBeLessThanOrEqual(1e-6);
    expect(head.logits!.dims).toEqual([IMAGES, 10]);
  });
});

/** Graph inputs/outputs as name -> dims (dim_param names for symbolic dims). */
function signature(bytes: Uint8Array) {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const dims = (values: onnx.IValueInfoProto[]) =>
    Object.fromEntries(values.map((v) => [v.name, v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))]));
  return {
    irVersion: Number(model.irVersion),
    opsets: model.opsetImport.map((o) => [o.domain, Number(o.version)]),
    inputs: dims(graph.input ?? []),
    outputs: dims(graph.output ?? []),
    initializers: (graph.initializer ?? []).map((t) => t.name ?? ''),
    ops: opsOf(graph),
  };
}

/** Op types of a graph and of its subgraphs (a Loop's body). */
function opsOf(graph: onnx.IGraphProto): Set<string> {
  const ops = new Set<string>();
  for (const node of graph.node ?? []) {
    ops.add(node.opType ?? '');
    for (const attribute of node.attribute ?? []) if (attribute.g) for (const op of opsOf(attribute.g)) ops.add(op);
  }
  return ops;
}

describe('export', () => {
  it('follows the artifact contract: IR 8, opset 17, named inputs/outputs, head parameters as plain inputs', () => {
    const artifacts = buildOnnxArtifacts(buildCnn(['same', 'valid'], 7), 1);
    const model = signature(artifacts.modelOnnx);
    expect(model.irVersion).toBe(8);
    expect(model.opsets).toEqual([['', 17]]);
    expect(model.inputs).toEqual({ image: ['N', 1, 28, 28] });
    expect(model.outputs).toEqual({ probs: ['N', 10], features: ['N', 12] });
    expect(model.initializers).toEqual(expect.arrayContaining(['head.0.weight', 'head.0.bias']));
    expect(model.ops.has('BatchNormalization')).toBe(false);

    const head = signature(artifacts.headOnnx);
    expect(head.inputs).toEqual({ features: ['N', 12], 'head.0.weight': [12, 10], 'head.0.bias': [10] });
    expect(head.outputs).toEqual({ probs: ['N', 10], logits: ['N', 10] });
    expect(head.initializers).toEqual([]);

    const step = signature(artifacts.trainStepOnnx);
    // S steps per run: a Loop whose body is one step; S = 1 is a single step.
    expect(step.inputs).toEqual({
      features: ['S', 'N', 12],
      labels: ['S', 'N'],
      'head.0.weight': [12, 10],
      'head.0.bias': [10],
      'velocity.head.0.weight': [12, 10],
      'velocity.head.0.bias': [10],
      'anchor.head.0.weight': [12, 10],
      'anchor.head.0.bias': [10],
      learning_rate: [],
      momentum: [],
      l2_sp: [],
    });
    expect(step.outputs).toEqual({
      loss: ['S'],
      'new.head.0.weight': [12, 10],
      'new.head.0.bias': [10],
      'new.velocity.head.0.weight': [12, 10],
      'new.velocity.head.0.bias': [10],
    });
    expect(step.initializers.some((name) => name.startsWith('head.'))).toBe(false);
    // Plain ops only: no training-domain ops, no OneHot (missing on some execution providers).
    expect([...step.ops].filter((op) => ['OneHot', 'SoftmaxCrossEntropyLoss', 'Gradient'].includes(op))).toEqual([]);
    expect(step.ops.has('Loop') && step.ops.has('MatMul')).toBe(true);
  });

  it('produces byte-identical files for the same weights', () => {
    const first = buildOnnxArtifacts(buildCnn(['same', 'valid'], 7), 2);
    const second = buildOnnxArtifacts(buildCnn(['same', 'valid'], 7), 2);
    expect(Buffer.from(second.modelOnnx).equals(Buffer.from(first.modelOnnx))).toBe(true);
    expect(Buffer.from(second.headOnnx).equals(Buffer.from(first.headOnnx))).toBe(true);
    expect(Buffer.from(second.trainStepOnnx).equals(Buffer.from(first.trainStepOnnx))).toBe(true);
  });

  it('names head parameters head.<i>.weight [in,out] and head.<i>.bias [out]', () => {
    const artifacts = buildOnnxArtifacts(buildMlp(5, [32, 16]), 2);
    expect(artifacts.headParameters.map((p) => [p.name, p.shape])).toEqual([
      ['head.0.weight', [32, 16]],
      ['head.0.bias', [16]],
      ['head.1.weight', [16, 10]],
      ['head.1.bias', [10]],
    ]);
    expect(artifacts.featureSize).toBe(32);
  });

  it('counts FLOPs as 2 x multiply-adds of convolutions and dense layers', () => {
    // MLP 784-32-16-10: 2 * (784*32 + 32*16 + 16*10)
    expect(buildOnnxArtifacts(buildMlp(5, [32, 16]), 1).flops).toBe(2 * (784 * 32 + 32 * 16 + 16 * 10));
  });

  it('keeps a BatchNorm after a ReLU as a per-channel affine op', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: 8, activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    randomizeWeights(model, 6);
    const artifacts = buildOnnxArtifacts(model, 1);
    const report = await compareOnnxWithTfjs(model, artifacts.modelOnnx, images, { headLayers: 1 });
    expect(report.maxAbsProbsDiff).toBeLessThanOrEqual(1e-4);
    expect(report.maxAbsFeaturesDiff).toBeLessThanOrEqual(1e-4);
  });

  it('rejects an unsupported layer, naming its class', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3 }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    expect(() => buildOnnxArtifacts(model, 1)).toThrow(UnsupportedModelError);
    expect(() => buildOnnxArtifacts(model, 1)).toThrow(/unsupported layer class GlobalAveragePooling2D/);
  });

  it('rejects an unsupported activation and a head deeper than the Dense chain', () => {
    const tanh = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: 'tanh' }), tf.layers.softmax()],
    });
    expect(() => buildOnnxArtifacts(tanh, 1)).toThrow(/Dense layer .* unsupported activation "tanh"/);
    expect(() => buildOnnxArtifacts(buildResidualCnn(8), 2)).toThrow(/chain of Dense\/ReLU layers, found Flatten/);
  });

  it('rejects a model that does not end in a softmax', () => {
    const logits = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10 })] });
    expect(() => buildOnnxArtifacts(logits, 1)).toThrow(/must end in a softmax/);
  });
});
