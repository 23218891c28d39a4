/**
 * The exporter's intermediate representation of a tfjs model: a topologically ordered
 * list of nodes with their weights pulled out as plain arrays. Shapes follow tfjs
 * (channels last, batch dimension omitted). Fused activations are split into their own
 * nodes so that BatchNorm folding and head extraction only see simple patterns.
 */

export type Padding = 'valid' | 'same';

export interface InputNode {
  readonly kind: 'input';
}

export interface Conv2dNode {
  readonly kind: 'conv2d';
  /** tfjs layout [kh, kw, inChannels, outChannels]. */
  readonly kernel: Float32Array;
  readonly kernelSize: readonly [number, number];
  readonly inChannels: number;
  readonly outChannels: number;
  readonly bias: Float32Array | null;
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly padding: Padding;
}

export interface DenseNode {
  readonly kind: 'dense';
  /** tfjs layout [in, out] (y = x W + b). */
  readonly kernel: Float32Array;
  readonly inUnits: number;
  readonly outUnits: number;
  readonly bias: Float32Array | null;
}

export interface BatchNormNode {
  readonly kind: 'batchNorm';
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
  readonly movingMean: Float32Array;
  readonly movingVariance: Float32Array;
  readonly epsilon: number;
}

/** y = x * scale + shift per channel: a BatchNormalization that could not be folded. */
export interface AffineNode {
  readonly kind: 'affine';
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

export interface ReluNode {
  readonly kind: 'relu';
}

export interface SoftmaxNode {
  readonly kind: 'softmax';
}

/** Dropout and linear activations: removed before lowering. */
export interface IdentityNode {
  readonly kind: 'identity';
}

export interface Pool2dNode {
  readonly kind: 'pool2d';
  readonly mode: 'max' | 'average';
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
}

export interface FlattenNode {
  readonly kind: 'flatten';
}

export interface AddNode {
  readonly kind: 'add';
}

export type LayerOp =
  | InputNode
  | Conv2dNode
  | DenseNode
  | BatchNormNode
  | AffineNode
  | ReluNode
  | SoftmaxNode
  | IdentityNode
  | Pool2dNode
  | FlattenNode
  | AddNode;

export interface LayerNode {
  /** Unique, stable within one graph: position-derived, never the tfjs layer name. */
  readonly id: string;
  /** tfjs layer class and name, for error messages only. */
  readonly source: string;
  readonly op: LayerOp;
  readonly inputs: readonly string[];
  /** tfjs output shape without the batch dimension, e.g. [28, 28, 8] or [128]. */
  readonly shape: readonly number[];
}

export interface LayerGraph {
  /** Topologically ordered; exactly one 'input' node, first. */
  readonly nodes: readonly LayerNode[];
  readonly outputId: string;
}

export function nodeById(graph: LayerGraph): Map<string, LayerNode> {
  return new Map(graph.nodes.map((node) => [node.id, node]));
}

export function consumersById(graph: LayerGraph): Map<string, LayerNode[]> {
  const consumers = new Map<string, LayerNode[]>(graph.nodes.map((node) => [node.id, []]));
  for (const node of graph.nodes) {
    for (const input of node.inputs) consumers.get(input)!.push(node);
  }
  return consumers;
}
