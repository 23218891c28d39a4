/**
 * train-step.onnx: one SGD-with-momentum step on the head.
 *   loss = mean_i CE(softmax(logits_i), label_i) + 0.5 * l2_sp * Σ_θ ||θ - anchor_θ||²
 *   g = ∂loss/∂θ (reverse mode, emitted as plain ONNX ops);  v' = momentum * v + g;  θ' = θ - learning_rate * v'
 * L2-SP pulls the personalized head towards the pretrained one instead of towards zero.
 */
import { add, scale, softmaxCrossEntropy, sub, sumOfSquares } from './autodiff-ops.ts';
import { Tape, type Var } from './autodiff-tape.ts';
import type { HeadSpec } from './extract-head.ts';
import { headLogits } from './head-forward.ts';
import { headParameters } from './head-parameters.ts';
import { BATCH_DIM, OnnxGraphBuilder } from './onnx-graph-builder.ts';

/** Value names of train-step.onnx; the manifest publishes the same conventions. */
export const TRAIN_STEP_NAMES = {
  inputs: {
    features: 'features',
    labels: 'labels',
    learningRate: 'learning_rate',
    momentum: 'momentum',
    l2Sp: 'l2_sp',
    velocityPrefix: 'velocity.',
    anchorPrefix: 'anchor.',
  },
  outputs: { loss: 'loss', parameterPrefix: 'new.', velocityPrefix: 'new.velocity.' },
} as const;

export function buildTrainStepGraph(head: HeadSpec): Uint8Array {
  const { inputs: inNames, outputs: outNames } = TRAIN_STEP_NAMES;
  const graph = new OnnxGraphBuilder('edgetune-train-step');
  const tape = new Tape(graph);
  const parameterList = headParameters(head);

  const features = tape.leaf(graph.addInput(inNames.features, 'float32', [BATCH_DIM, head.featureSize]), false);
  const labels = graph.addInput(inNames.labels, 'int64', [BATCH_DIM]);
  const parameters = new Map<string, Var>();
  for (const p of parameterList) parameters.set(p.name, tape.leaf(graph.addInput(p.name, 'float32', p.shape), true));
  const velocities = parameterList.map((p) => graph.addInput(`${inNames.velocityPrefix}${p.name}`, 'float32', p.shape));
  const anchors = parameterList.map((p) => tape.leaf(graph.addInput(`${inNames.anchorPrefix}${p.name}`, 'float32', p.shape), false));
  const learningRate = graph.addInput(inNames.learningRate, 'float32', []);
  const momentum = graph.addInput(inNames.momentum, 'float32', []);
  const l2Sp = graph.addInput(inNames.l2Sp, 'float32', []);

  const logits = headLogits(tape, features, head, (name) => parameters.get(name)!);
  const crossEntropy = softmaxCrossEntropy(tape, logits, labels, head.classCount);
  const squaredDistances = parameterList
    .map((p, i) => sumOfSquares(tape, sub(tape, parameters.get(p.name)!, anchors[i]!)))
    .reduce((sum, term) => add(tape, sum, term));
  const penalty = scale(tape, scale(tape, squaredDistances, l2Sp), graph.constFloat(0.5));
  const loss = add(tape, crossEntropy, penalty);
  const gradient = tape.backward(loss);

  graph.op('Identity', [loss.name], {}, outNames.loss);
  graph.addOutput(outNames.loss, 'float32', []);
  parameterList.forEach((p, i) => {
    const theta = parameters.get(p.name)!;
    const newVelocityName = `${outNames.velocityPrefix}${p.name}`;
    const newVelocity = graph.op('Add', [graph.op('Mul', [momentum, velocities[i]!]), gradient(theta)], {}, newVelocityName);
    graph.op('Sub', [theta.name, graph.op('Mul', [learningRate, newVelocity])], {}, `${outNames.parameterPrefix}${p.name}`);
  });
  // Outputs listed parameters first, then velocities: the order the SDK feeds them back.
  for (const p of parameterList) graph.addOutput(`${outNames.parameterPrefix}${p.name}`, 'float32', p.shape);
  for (const p of parameterList) graph.addOutput(`${outNames.velocityPrefix}${p.name}`, 'float32', p.shape);
  return graph.toBytes('edgetune train step: SGD with momentum on mean softmax cross-entropy + L2-SP');
}
