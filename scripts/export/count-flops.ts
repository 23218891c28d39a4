/**
 * FLOPs of one forward pass of model.onnx for one image, counted as 2 x multiply-adds of
 * the convolutions and dense layers (bias adds, activations and pooling are negligible).
 * Expects the simplified graph, so folded BatchNorms cost nothing, as in model.onnx.
 */
import type { LayerGraph } from './layer-graph.ts';

export function countFlops(graph: LayerGraph): number {
  let multiplyAdds = 0;
  for (const node of graph.nodes) {
    if (node.op.kind === 'conv2d') {
      const [outHeight, outWidth] = node.shape as [number, number, number];
      const [kh, kw] = node.op.kernelSize;
      multiplyAdds += outHeight * outWidth * node.op.outChannels * kh * kw * node.op.inChannels;
    } else if (node.op.kind === 'dense') {
      multiplyAdds += node.op.inUnits * node.op.outUnits;
    }
  }
  return 2 * multiplyAdds;
}
