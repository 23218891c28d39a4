/**
 * Inference-time simplification: drops identity nodes (Dropout, linear activations) and folds
 * each BatchNormalization into the Conv2D or Dense that feeds it. A BatchNormalization that
 * cannot be folded (e.g. after a ReLU) becomes a per-channel affine op instead.
 */
import { batchNormAsAffine, foldBatchNorm } from './fold-batch-norm.ts';
import { consumersById, nodeById, type LayerGraph, type LayerNode } from './layer-graph.ts';

export function simplifyLayerGraph(graph: LayerGraph): LayerGraph {
  return foldBatchNorms(removeIdentities(graph));
}

function removeIdentities(graph: LayerGraph): LayerGraph {
  const replacement = new Map<string, string>();
  const resolve = (id: string): string => replacement.get(id) ?? id;
  const nodes: LayerNode[] = [];
  for (const node of graph.nodes) {
    const inputs = node.inputs.map(resolve);
    if (node.op.kind === 'identity') {
      replacement.set(node.id, inputs[0]!);
      continue;
    }
    nodes.push({ ...node, inputs });
  }
  return { nodes, outputId: resolve(graph.outputId) };
}

function foldBatchNorms(graph: LayerGraph): LayerGraph {
  const byId = nodeById(graph);
  const consumers = consumersById(graph);
  const rewritten = new Map<string, LayerNode>();
  const replacement = new Map<string, string>();
  const resolve = (id: string): string => replacement.get(id) ?? id;

  for (const node of graph.nodes) {
    if (node.op.kind !== 'batchNorm') continue;
    const producerId = resolve(node.inputs[0]!);
    const producer = rewritten.get(producerId) ?? byId.get(producerId)!;
    const op = producer.op;
    const soleConsumer = consumers.get(producer.id)!.length === 1;
    if ((op.kind !== 'conv2d' && op.kind !== 'dense') || !soleConsumer) {
      rewritten.set(node.id, { ...node, op: batchNormAsAffine(node.op) });
      continue;
    }
    rewritten.set(producer.id, { ...producer, op: foldBatchNorm(op, node.op), shape: node.shape });
    replacement.set(node.id, producer.id);
  }

  const nodes = graph.nodes
    .filter((node) => !replacement.has(node.id))
    .map((node) => ({ ...(rewritten.get(node.id) ?? node), inputs: node.inputs.map(resolve) }));
  return { nodes, outputId: resolve(graph.outputId) };
}
