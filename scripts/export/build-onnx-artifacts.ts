/**
 * tfjs LayersModel -> the bytes of every ONNX artifact plus what the manifest needs to know.
 * Pure apart from reading the model: no files, no clocks, so equal weights give equal bytes.
 */
import type * as tf from '@tensorflow/tfjs';
import { extractHead, type HeadSpec } from './extract-head.ts';
import { countFlops } from './count-flops.ts';
import { buildHeadGraph } from './head-graph.ts';
import { headParameters, type HeadParameter } from './head-parameters.ts';
import { buildModelGraph } from './model-graph.ts';
import { readLayersModel } from './read-layers-model.ts';
import { simplifyLayerGraph } from './simplify-layer-graph.ts';
import { buildTrainStepsGraph } from './train-step-graph.ts';

export interface OnnxArtifacts {
  readonly modelOnnx: Uint8Array;
  readonly headOnnx: Uint8Array;
  readonly trainStepOnnx: Uint8Array;
  /** Pretrained head parameters in head.onnx input order. */
  readonly headParameters: readonly HeadParameter[];
  /** tfjs input shape without batch, [height, width, channels]. */
  readonly inputShape: readonly number[];
  readonly featureSize: number;
  readonly classCount: number;
  readonly headLayers: number;
  readonly flops: number;
  readonly head: HeadSpec;
}

export function buildOnnxArtifacts(model: tf.LayersModel, headLayers: number): OnnxArtifacts {
  const graph = simplifyLayerGraph(readLayersModel(model));
  const head = extractHead(graph, headLayers);
  return {
    modelOnnx: buildModelGraph(graph, head),
    headOnnx: buildHeadGraph(head),
    trainStepOnnx: buildTrainStepsGraph(head),
    headParameters: headParameters(head),
    inputShape: graph.nodes[0]!.shape,
    featureSize: head.featureSize,
    classCount: head.classCount,
    headLayers,
    flops: countFlops(graph),
    head,
  };
}
