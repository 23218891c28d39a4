/**
 * Translates one tfjs layer (class name, config, weights) into exporter ops.
 * A layer with a fused activation becomes two ops: the layer itself, then the activation.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerOp, Padding } from './layer-graph.ts';
import { UnsupportedModelError } from './unsupported-model-error.ts';

type Config = Record<string, unknown>;

export const SUPPORTED_LAYER_CLASSES = [
  'InputLayer',
  'Conv2D',
  'BatchNormalization',
  'Activation',
  'ReLU',
  'MaxPooling2D',
  'AveragePooling2D',
  'Flatten',
  'Dropout',
  'Dense',
  'Add',
] as const;

/** `inputShapes` exclude the batch dimension; the result ops are applied in order. */
export function readLayer(layer: tf.layers.Layer, inputShapes: ReadonlyArray<readonly number[]>): LayerOp[] {
  const className = layer.getClassName();
  const config = layer.getConfig() as Config;
  const where = `${className} layer "${layer.name}"`;
  // Copies: getWeights() returns the live variables, which must not be aliased or disposed.
  const weights = layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const inputShape = inputShapes[0] ?? [];

  switch (className) {
    case 'InputLayer':
      return [{ kind: 'input' }];
    case 'Conv2D': {
      requireChannelsLast(config, where);
      if (inputShape.length !== 3) throw new UnsupportedModelError(`${where}: expects a [height, width, channels] input`);
      const kernelSize = pair(config.kernelSize, where, 'kernelSize');
      const useBias = config.useBias !== false;
      const [kernel, bias] = takeWeights(weights, useBias ? 2 : 1, where);
      const inChannels = inputShape[2]!;
      const outChannels = Number(config.filters);
      if (kernel!.length !== kernelSize[0] * kernelSize[1] * inChannels * outChannels) {
        throw new UnsupportedModelError(`${where}: kernel size does not match its config (grouped convolutions are not supported)`);
      }
      return withActivation(
        {
          kind: 'conv2d',
          kernel: kernel!,
          kernelSize,
          inChannels,
          outChannels,
          bias: useBias ? bias! : null,
          strides: pair(config.strides ?? 1, where, 'strides'),
          dilations: pair(config.dilationRate ?? 1, where, 'dilationRate'),
          padding: padding(config.padding, where),
        },
        config.activation,
        where,
      );
    }
    case 'Dense': {
      if (inputShape.length !== 1) {
        throw new UnsupportedModelError(`${where}: expects a flat input (add a Flatten layer), got shape [${inputShape.join(',')}]`);
      }
      const useBias = config.useBias !== false;
      const [kernel, bias] = takeWeights(weights, useBias ? 2 : 1, where);
      return withActivation(
        { kind: 'dense', kernel: kernel!, inUnits: inputShape[0]!, outUnits: Number(config.units), bias: useBias ? bias! : null },
        config.activation,
        where,
      );
    }
    case 'BatchNormalization':
      return [readBatchNorm(config, weights, inputShape, where)];
    case 'Activation':
      return activationOps(config.activation, where);
    case 'ReLU':
      if (config.maxValue !== null && config.maxValue !== undefined) {
        throw new UnsupportedModelError(`${where}: maxValue is not supported`);
      }
      return [{ kind: 'relu' }];
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      requireChannelsLast(config, where);
      if (inputShape.length !== 3) throw new UnsupportedModelError(`${where}: expects a [height, width, channels] input`);
      const poolSize = pair(config.poolSize ?? 2, where, 'poolSize');
      return [
        {
          kind: 'pool2d',
          mode: className === 'MaxPooling2D' ? 'max' : 'average',
          poolSize,
          strides: config.strides === null || config.strides === undefined ? poolSize : pair(config.strides, where, 'strides'),
          padding: padding(config.padding, where),
        },
      ];
    }
    case 'Flatten':
      requireChannelsLast(config, where);
      return [{ kind: 'flatten' }];
    case 'Dropout':
      return [{ kind: 'identity' }];
    case 'Add':
      return [{ kind: 'add' }];
    default:
      throw new UnsupportedModelError(
        `unsupported layer class ${className} (layer "${layer.name}"); supported: ${SUPPORTED_LAYER_CLASSES.join(', ')}`,
      );
  }
}

function readBatchNorm(config: Config, weights: Float32Array[], inputShape: readonly number[], where: string): LayerOp {
  const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis;
  if (axis !== -1 && axis !== inputShape.length) {
    throw new UnsupportedModelError(`${where}: only axis -1 (channels last) is supported, got ${JSON.stringify(config.axis)}`);
  }
  const scale = config.scale !== false;
  const center = config.center !== false;
  const list = takeWeights(weights, 2 + (scale ? 1 : 0) + (center ? 1 : 0), where);
  const channels = inputShape[inputShape.length - 1]!;
  const gamma = scale ? list.shift()! : new Float32Array(channels).fill(1);
  const beta = center ? list.shift()! : new Float32Array(channels);
  const [movingMean, movingVariance] = list as [Float32Array, Float32Array];
  const epsilon = typeof config.epsilon === 'number' ? config.epsilon : 1e-3;
  return { kind: 'batchNorm', gamma, beta, movingMean, movingVariance, epsilon };
}

function withActivation(op: LayerOp, activation: unknown, where: string): LayerOp[] {
  return [op, ...activationOps(activation ?? 'linear', where)];
}

function activationOps(activation: unknown, where: string): LayerOp[] {
  switch (activation) {
    case 'linear':
      return [];
    case 'relu':
      return [{ kind: 'relu' }];
    case 'softmax':
      return [{ kind: 'softmax' }];
    default:
      throw new UnsupportedModelError(`${where}: unsupported activation ${JSON.stringify(activation)}; use linear, relu or softmax`);
  }
}

function takeWeights(weights: Float32Array[], count: number, where: string): Float32Array[] {
  if (weights.length !== count) throw new UnsupportedModelError(`${where}: expected ${count} weight tensors, found ${weights.length}`);
  return [...weights];
}

function pair(value: unknown, where: string, field: string): readonly [number, number] {
  const list = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((v) => Number.isInteger(v) && v > 0)) {
    throw new UnsupportedModelError(`${where}: ${field} must be one or two positive integers, got ${JSON.stringify(value)}`);
  }
  return [list[0], list[1]];
}

function padding(value: unknown, where: string): Padding {
  if (value === 'valid' || value === 'same') return value;
  throw new UnsupportedModelError(`${where}: padding ${JSON.stringify(value)} is not supported; use 'valid' or 'same'`);
}

function requireChannelsLast(config: Config, where: string): void {
  if (config.dataFormat !== undefined && config.dataFormat !== null && config.dataFormat !== 'channelsLast') {
    throw new UnsupportedModelError(`${where}: only dataFormat 'channelsLast' is supported`);
  }
}
