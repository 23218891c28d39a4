/**
 * Folds an inference-mode BatchNormalization into the Conv2D or Dense layer feeding it:
 * y = gamma * (x W + b - mean) / sqrt(var + eps) + beta
 *   = x (W * s) + ((b - mean) * s + beta),  with s = gamma / sqrt(var + eps) per output channel.
 * Both kernels keep the output channel as their last axis in tfjs layout, so one loop serves both.
 */
import type { AffineNode, BatchNormNode, Conv2dNode, DenseNode } from './layer-graph.ts';

export function foldBatchNorm<T extends Conv2dNode | DenseNode>(layer: T, batchNorm: BatchNormNode): T {
  const channels = layer.kind === 'conv2d' ? layer.outChannels : layer.outUnits;
  if (batchNorm.gamma.length !== channels) {
    throw new Error(`BatchNormalization has ${batchNorm.gamma.length} channels, the layer before it has ${channels}`);
  }
  const scale = batchNormScale(batchNorm);

  const kernel = new Float32Array(layer.kernel.length);
  for (let i = 0; i < kernel.length; i++) kernel[i] = layer.kernel[i]! * scale[i % channels]!;

  const bias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const original = layer.bias ? layer.bias[c]! : 0;
    bias[c] = (original - batchNorm.movingMean[c]!) * scale[c]! + batchNorm.beta[c]!;
  }
  return { ...layer, kernel, bias };
}

/** The same normalisation as a standalone per-channel affine map, for a BN nothing can absorb. */
export function batchNormAsAffine(batchNorm: BatchNormNode): AffineNode {
  const scale = batchNormScale(batchNorm);
  return {
    kind: 'affine',
    scale: Float32Array.from(scale),
    shift: Float32Array.from(scale, (s, c) => batchNorm.beta[c]! - batchNorm.movingMean[c]! * s),
  };
}

// float64 arithmetic, one rounding to float32 at the end.
function batchNormScale(batchNorm: BatchNormNode): number[] {
  return Array.from(batchNorm.gamma, (g, c) => g / Math.sqrt(batchNorm.movingVariance[c]! + batchNorm.epsilon));
}
