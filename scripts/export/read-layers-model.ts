/**
 * Walks a tfjs LayersModel (sequential or functional) from its output back through each
 * layer's inbound nodes and returns the exporter's LayerGraph in topological order.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerGraph, LayerNode } from './layer-graph.ts';
import { readLayer } from './read-layer.ts';
import { UnsupportedModelError } from './unsupported-model-error.ts';

type SymbolicTensor = tf.SymbolicTensor;

export function readLayersModel(model: tf.LayersModel): LayerGraph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UnsupportedModelError(
      `model must have exactly one input and one output, got ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  const ordered = topologicalOrder(model.outputs[0]!);

  const nodes: LayerNode[] = [];
  const nodeIdByTensor = new Map<SymbolicTensor, string>();
  const tensorByLayer = new Map<tf.layers.Layer, SymbolicTensor>();

  for (const tensor of ordered) {
    const layer = tensor.sourceLayer;
    const earlier = tensorByLayer.get(layer);
    if (earlier !== undefined && earlier !== tensor) {
      throw new UnsupportedModelError(`${layer.getClassName()} layer "${layer.name}" is applied more than once; shared layers are not supported`);
    }
    tensorByLayer.set(layer, tensor);

    const inputs = inboundTensors(tensor);
    const inputIds = inputs.map((input) => nodeIdByTensor.get(input)!);
    const inputShapes = inputs.map((input) => batchlessShape(input));
    const ops = readLayer(layer, inputShapes);
    if (ops[0]?.kind === 'input' && tensor !== model.inputs[0]) {
      throw new UnsupportedModelError(`input "${tensor.name}" is not the model's declared input`);
    }

    // Ops from one layer chain together; only the last carries the layer's output shape,
    // the ones before it (e.g. Conv2D before its fused ReLU) have the same shape anyway.
    let previous = inputIds;
    const shape = batchlessShape(tensor);
    ops.forEach((op, i) => {
      const id = `n${nodes.length}`;
      nodes.push({ id, source: `${layer.getClassName()} "${layer.name}"${ops.length > 1 ? ` (part ${i + 1})` : ''}`, op, inputs: previous, shape });
      previous = [id];
    });
    nodeIdByTensor.set(tensor, previous[0]!);
  }

  const first = nodes[0];
  if (first?.op.kind !== 'input') throw new UnsupportedModelError('model has no InputLayer');
  return { nodes, outputId: nodeIdByTensor.get(model.outputs[0]!)! };
}

/** Depth-first post-order from the output: every tensor comes after its inputs. */
function topologicalOrder(output: SymbolicTensor): SymbolicTensor[] {
  const ordered: SymbolicTensor[] = [];
  const state = new Map<SymbolicTensor, 'visiting' | 'done'>();
  const stack: Array<{ tensor: SymbolicTensor; expanded: boolean }> = [{ tensor: output, expanded: false }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.expanded) {
      state.set(frame.tensor, 'done');
      ordered.push(frame.tensor);
      continue;
    }
    if (state.get(frame.tensor) === 'done') continue;
    if (state.get(frame.tensor) === 'visiting') throw new UnsupportedModelError('model graph has a cycle');
    state.set(frame.tensor, 'visiting');
    stack.push({ tensor: frame.tensor, expanded: true });
    // Reversed so the first input is explored first: a stable, input-ordered traversal.
    const inputs = inboundTensors(frame.tensor);
    for (let i = inputs.length - 1; i >= 0; i--) {
      if (state.get(inputs[i]!) !== 'done') stack.push({ tensor: inputs[i]!, expanded: false });
    }
  }
  return ordered;
}

function inboundTensors(tensor: SymbolicTensor): SymbolicTensor[] {
  const layer = tensor.sourceLayer;
  if (layer.getClassName() === 'InputLayer') return [];
  const node = layer.inboundNodes[tensor.nodeIndex];
  if (node === undefined) throw new UnsupportedModelError(`layer "${layer.name}" has no inbound node ${tensor.nodeIndex}`);
  if (node.outputTensors.length !== 1) {
    throw new UnsupportedModelError(`${layer.getClassName()} layer "${layer.name}" has several outputs; not supported`);
  }
  return node.inputTensors;
}

function batchlessShape(tensor: SymbolicTensor): number[] {
  const dims = tensor.shape.slice(1);
  if (!dims.every((d): d is number => typeof d === 'number' && d > 0)) {
    throw new UnsupportedModelError(`tensor "${tensor.name}" has an unknown dimension: [${tensor.shape.join(',')}]`);
  }
  return dims;
}
