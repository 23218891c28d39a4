/**
 * Splits a simplified LayerGraph into the frozen body and the trainable head: the last K
 * Dense layers, which must form a plain chain of Dense/ReLU ops ending in a softmax.
 */
import { consumersById, nodeById, type LayerGraph } from './layer-graph.ts';
import { UnsupportedModelError } from './unsupported-model-error.ts';

export interface HeadDense {
  readonly kind: 'dense';
  /** [in, out], tfjs orientation: logits = features W + b. */
  readonly weight: Float32Array;
  /** Always present: a Dense without bias gets zeros, so every head layer is trainable alike. */
  readonly bias: Float32Array;
  readonly inUnits: number;
  readonly outUnits: number;
}

export type HeadOp = HeadDense | { readonly kind: 'relu' };

export interface HeadSpec {
  /** Body node whose output is the head's input ("features"). */
  readonly featuresId: string;
  readonly featureSize: number;
  /** Applied in order to the features; a softmax follows the last op. */
  readonly ops: readonly HeadOp[];
  readonly classCount: number;
  /** Nodes that belong to the head (including the final softmax). */
  readonly nodeIds: ReadonlySet<string>;
}

export function extractHead(graph: LayerGraph, headLayers: number): HeadSpec {
  if (!Number.isInteger(headLayers) || headLayers < 1) {
    throw new RangeError(`headLayers must be a positive integer, got ${headLayers}`);
  }
  const byId = nodeById(graph);
  const consumers = consumersById(graph);
  const output = byId.get(graph.outputId)!;
  if (output.op.kind !== 'softmax') {
    throw new UnsupportedModelError(`the model must end in a softmax (Dense with activation 'softmax'); it ends in ${output.source}`);
  }

  const reversed: HeadOp[] = [];
  const nodeIds = new Set([output.id]);
  let currentId = output.inputs[0]!;
  let denseCount = 0;
  while (denseCount < headLayers) {
    const node = byId.get(currentId)!;
    const next = consumers.get(node.id)!;
    if (next.length !== 1) {
      throw new UnsupportedModelError(`a ${headLayers}-layer head must be a plain chain, but ${node.source} feeds ${next.length} layers`);
    }
    if (node.op.kind === 'dense') {
      const { kernel, bias, inUnits, outUnits } = node.op;
      reversed.push({ kind: 'dense', weight: kernel, bias: bias ?? new Float32Array(outUnits), inUnits, outUnits });
      denseCount++;
    } else if (node.op.kind === 'relu') {
      reversed.push({ kind: 'relu' });
    } else {
      throw new UnsupportedModelError(
        `a ${headLayers}-layer head must be a chain of Dense/ReLU layers, found ${node.source} ` +
          `after ${denseCount} Dense layer(s); use fewer head layers`,
      );
    }
    nodeIds.add(node.id);
    currentId = node.inputs[0]!;
  }

  const ops = reversed.reverse();
  const first = ops[0] as HeadDense;
  const last = [...ops].reverse().find((op): op is HeadDense => op.kind === 'dense')!;
  return { featuresId: currentId, featureSize: first.inUnits, ops, classCount: last.outUnits, nodeIds };
}
