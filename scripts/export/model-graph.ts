/**
 * model.onnx: the whole simplified model in NCHW, image -> probs, also exposing the head's
 * input as `features`. Head parameters are initializers here (the frozen, pretrained model).
 */
import { softmax } from './autodiff-ops.ts';
import { Tape } from './autodiff-tape.ts';
import type { HeadSpec } from './extract-head.ts';
import { headLogits } from './head-forward.ts';
import { headParameters } from './head-parameters.ts';
import { consumersById, nodeById, type LayerGraph, type LayerNode } from './layer-graph.ts';
import {
  convKernelToOihw,
  nchwFlattenOrder,
  onnxPads,
  permuteKernelRows,
  windowOutputSize,
} from './nchw-layout.ts';
import { BATCH_DIM, int, ints, OnnxGraphBuilder } from './onnx-graph-builder.ts';
import { UnsupportedModelError } from './unsupported-model-error.ts';

export const MODEL_INPUT = 'image';

interface LoweredValue {
  readonly name: string;
  /**
   * Set on flat vectors produced by an NCHW Flatten: entry j is the tfjs (NHWC) index of
   * element j. Only ReLU and a non-head Dense may consume such a vector (see flattenNeedsTranspose).
   */
  readonly rowOrder: Int32Array | null;
}

export function buildModelGraph(graph: LayerGraph, head: HeadSpec): Uint8Array {
  const builder = new OnnxGraphBuilder('edgetune-model');
  const consumers = consumersById(graph);
  const byId = nodeById(graph);
  const values = new Map<string, LoweredValue>();
  const valueOf = (id: string): LoweredValue => values.get(id)!;

  for (const node of graph.nodes) {
    if (head.nodeIds.has(node.id)) continue;
    const inputs = node.inputs.map(valueOf);
    const input = inputs[0]!;
    const inputShape = node.inputs.length > 0 ? byId.get(node.inputs[0]!)!.shape : [];
    values.set(node.id, lowerNode(builder, node, input, inputs, inputShape, () => flattenNeedsTranspose(node, consumers, head)));
  }

  const features = valueOf(head.featuresId);
  if (features.rowOrder !== null) throw new Error('internal: features left in NCHW flatten order');
  builder.op('Identity', [features.name], {}, 'features');

  const tape = new Tape(builder);
  const parameters = new Map(
    headParameters(head).map((p) => [p.name, tape.leaf(builder.addFloatInitializer(p.name, p.data, p.shape), false)]),
  );
  const logits = headLogits(tape, tape.leaf(features.name, false), head, (name) => parameters.get(name)!);
  softmax(tape, logits, 'probs');

  builder.addOutput('probs', 'float32', [BATCH_DIM, head.classCount]);
  builder.addOutput('features', 'float32', [BATCH_DIM, head.featureSize]);
  return builder.toBytes('edgetune model: image [N,C,H,W] in [0,1] -> probs, features');
}

function lowerNode(
  g: OnnxGraphBuilder,
  node: LayerNode,
  input: LoweredValue,
  inputs: LoweredValue[],
  inputShape: readonly number[],
  needsTranspose: () => boolean,
): LoweredValue {
  const op = node.op;
  const plain = (name: string): LoweredValue => ({ name, rowOrder: null });
  const requirePlain = (): void => {
    if (inputs.some((v) => v.rowOrder !== null)) throw new Error(`internal: ${node.source} got a permuted flat input`);
  };

  switch (op.kind) {
    case 'input': {
      if (node.shape.length !== 3) throw new UnsupportedModelError(`model input must be [height, width, channels], got [${node.shape.join(',')}]`);
      const [height, width, channels] = node.shape as [number, number, number];
      return plain(g.addInput(MODEL_INPUT, 'float32', [BATCH_DIM, channels, height, width]));
    }
    case 'conv2d': {
      requirePlain();
      const [height, width] = inputShape as [number, number, number];
      const [kh, kw] = op.kernelSize;
      const pads = onnxPads(op.padding, [height, width], op.kernelSize, op.strides, op.dilations);
      checkWindowShape(node, [height, width], pads, op.kernelSize, op.strides, op.dilations);
      const weight = g.addFloatInitializer(
        `${node.id}.weight`,
        convKernelToOihw(op.kernel, kh, kw, op.inChannels, op.outChannels),
        [op.outChannels, op.inChannels, kh, kw],
      );
      const convInputs = [input.name, weight];
      if (op.bias) convInputs.push(g.addFloatInitializer(`${node.id}.bias`, op.bias, [op.outChannels]));
      return plain(
        g.op('Conv', convInputs, {
          kernel_shape: ints([kh, kw]),
          strides: ints(op.strides),
          dilations: ints(op.dilations),
          pads: ints(pads),
          group: int(1),
        }),
      );
    }
    case 'pool2d': {
      requirePlain();
      const [height, width] = inputShape as [number, number, number];
      const pads = onnxPads(op.padding, [height, width], op.poolSize, op.strides);
      checkWindowShape(node, [height, width], pads, op.poolSize, op.strides, [1, 1]);
      // AveragePool's default count_include_pad=0 matches TF: padding is not averaged in.
      return plain(
        g.op(op.mode === 'max' ? 'MaxPool' : 'AveragePool', [input.name], {
          kernel_shape: ints(op.poolSize),
          strides: ints(op.strides),
          pads: ints(pads),
        }),
      );
    }
    case 'flatten': {
      requirePlain();
      if (inputShape.length === 1) return input;
      if (inputShape.length !== 3) throw new UnsupportedModelError(`${node.source}: cannot flatten a rank-${inputShape.length} input`);
      const [height, width, channels] = inputShape as [number, number, number];
      // With one channel or a 1x1 map, NCHW and NHWC flatten to the same order.
      if (channels === 1 || height * width === 1) return plain(g.op('Flatten', [input.name], { axis: int(1) }));
      if (needsTranspose()) {
        const nhwc = g.op('Transpose', [input.name], { perm: ints([0, 2, 3, 1]) });
        return plain(g.op('Flatten', [nhwc], { axis: int(1) }));
      }
      return { name: g.op('Flatten', [input.name], { axis: int(1) }), rowOrder: nchwFlattenOrder(height, width, channels) };
    }
    case 'dense': {
      const kernel = input.rowOrder ? permuteKernelRows(op.kernel, input.rowOrder, op.outUnits) : op.kernel;
      const weight = g.addFloatInitializer(`${node.id}.weight`, kernel, [op.inUnits, op.outUnits]);
      const product = g.op('MatMul', [input.name, weight]);
      if (!op.bias) return plain(product);
      return plain(g.op('Add', [product, g.addFloatInitializer(`${node.id}.bias`, op.bias, [op.outUnits])]));
    }
    case 'affine': {
      requirePlain();
      // Per-channel constants: [C, 1, 1] broadcasts over an NCHW map, [C] over a flat vector.
      const dims = inputShape.length === 3 ? [op.scale.length, 1, 1] : [op.scale.length];
      const scale = g.addFloatInitializer(`${node.id}.scale`, op.scale, dims);
      const shift = g.addFloatInitializer(`${node.id}.shift`, op.shift, dims);
      return plain(g.op('Add', [g.op('Mul', [input.name, scale]), shift]));
    }
    case 'relu':
      return { name: g.op('Relu', [input.name]), rowOrder: input.rowOrder };
    case 'softmax':
      requirePlain();
      // tfjs normalises the last (channel) axis; in NCHW that is axis 1.
      return plain(g.op('Softmax', [input.name], { axis: int(inputShape.length === 3 ? 1 : -1) }));
    case 'add':
      requirePlain();
      return plain(inputs.slice(1).reduce((sum, next) => g.op('Add', [sum, next.name]), input.name));
    case 'batchNorm':
    case 'identity':
      throw new Error(`internal: ${node.source} should have been removed before lowering`);
  }
}

/**
 * A flattened map can stay in NCHW order only if it reaches a Dense of the frozen body
 * through ReLUs alone; that Dense then absorbs the reordering in its kernel rows. Anything
 * else (the features output, Add, Softmax, fan-out) needs the tfjs order, so Transpose first.
 */
function flattenNeedsTranspose(flatten: LayerNode, consumers: Map<string, LayerNode[]>, head: HeadSpec): boolean {
  let current = flatten;
  for (;;) {
    if (current.id === head.featuresId) return true;
    const next = consumers.get(current.id)!;
    if (next.length !== 1 || head.nodeIds.has(next[0]!.id)) return true;
    const consumer = next[0]!;
    if (consumer.op.kind === 'dense') return false;
    if (consumer.op.kind !== 'relu') return true;
    current = consumer;
  }
}

function checkWindowShape(
  node: LayerNode,
  [height, width]: readonly [number, number],
  pads: readonly number[],
  [kh, kw]: readonly [number, number],
  [sh, sw]: readonly [number, number],
  [dh, dw]: readonly [number, number],
): void {
  const outHeight = windowOutputSize(height, pads[0]!, pads[2]!, kh, sh, dh);
  const outWidth = windowOutputSize(width, pads[1]!, pads[3]!, kw, sw, dw);
  if (outHeight !== node.shape[0] || outWidth !== node.shape[1]) {
    throw new Error(`internal: ${node.source} would output ${outHeight}x${outWidth}, tfjs says ${node.shape[0]}x${node.shape[1]}`);
  }
}
