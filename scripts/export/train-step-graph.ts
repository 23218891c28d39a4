/**
 * train-step.onnx: S SGD-with-momentum steps on the head in one run (S = 1: a single step).
 *   loss = mean_i CE(softmax(logits_i), label_i) + 0.5 * l2_sp * Σ_θ ||θ - anchor_θ||²
 *   g = ∂loss/∂θ (reverse mode, emitted as plain ONNX ops);  v' = momentum * v + g;  θ' = θ - learning_rate * v'
 * L2-SP pulls the personalized head towards the pretrained one instead of towards zero.
 */
import { TRAIN_STEP_NAMES } from '../../sdk/src/artifacts/manifest.ts';
import { add, scale, softmaxCrossEntropy, sub, sumOfSquares } from './autodiff-ops.ts';
import { Tape, type Var } from './autodiff-tape.ts';
import type { HeadSpec } from './extract-head.ts';
import { headLogits } from './head-forward.ts';
import { headParameters } from './head-parameters.ts';
import { BATCH_DIM, OnnxGraphBuilder } from './onnx-graph-builder.ts';


interface StepValues {
  readonly features: string;
  readonly labels: string;
  readonly parameters: ReadonlyMap<string, string>;
  readonly velocities: ReadonlyMap<string, string>;
  readonly anchors: ReadonlyMap<string, string>;
  readonly learningRate: string;
  readonly momentum: string;
  readonly l2Sp: string;
}

/** Emits one SGD step into `graph`; returns the names of the loss, new parameters and new velocities. */
function emitTrainStep(
  graph: OnnxGraphBuilder,
  head: HeadSpec,
  values: StepValues,
  outputName: (kind: 'loss' | 'parameter' | 'velocity', parameter?: string) => string | undefined,
): { loss: string; parameters: Map<string, string>; velocities: Map<string, string> } {
  const tape = new Tape(graph);
  const parameterList = headParameters(head);
  const features = tape.leaf(values.features, false);
  const parameters = new Map<string, Var>();
  for (const p of parameterList) parameters.set(p.name, tape.leaf(values.parameters.get(p.name)!, true));
  const anchors = parameterList.map((p) => tape.leaf(values.anchors.get(p.name)!, false));

  const logits = headLogits(tape, features, head, (name) => parameters.get(name)!);
  const crossEntropy = softmaxCrossEntropy(tape, logits, values.labels, head.classCount);
  const squaredDistances = parameterList
    .map((p, i) => sumOfSquares(tape, sub(tape, parameters.get(p.name)!, anchors[i]!)))
    .reduce((sum, term) => add(tape, sum, term));
  const penalty = scale(tape, scale(tape, squaredDistances, values.l2Sp), graph.constFloat(0.5));
  const loss = add(tape, crossEntropy, penalty);
  const gradient = tape.backward(loss);

  const lossName = graph.op('Identity', [loss.name], {}, outputName('loss'));
  const newParameters = new Map<string, string>();
  const newVelocities = new Map<string, string>();
  for (const p of parameterList) {
    const theta = parameters.get(p.name)!;
    const velocity = graph.op('Add', [graph.op('Mul', [values.momentum, values.velocities.get(p.name)!]), gradient(theta)], {}, outputName('velocity', p.name));
    newVelocities.set(p.name, velocity);
    newParameters.set(p.name, graph.op('Sub', [theta.name, graph.op('Mul', [values.learningRate, velocity])], {}, outputName('parameter', p.name)));
  }
  return { loss: lossName, parameters: newParameters, velocities: newVelocities };
}

/** Dimension name of the step axis of train-step.onnx. */
export const STEPS_DIM = 'S';

/**
 * The same step, S times in one session.run: an ONNX Loop whose body takes the i-th batch of
 * `features` [S,N,F] / `labels` [S,N] and carries parameters and velocities to the next
 * iteration; `loss` [S] holds each step's loss. One runtime round trip for S steps.
 */
export function buildTrainStepsGraph(head: HeadSpec): Uint8Array {
  const { inputs: inNames, outputs: outNames } = TRAIN_STEP_NAMES;
  const graph = new OnnxGraphBuilder('edgetune-train-steps');
  const parameterList = headParameters(head);
  const features = graph.addInput(inNames.features, 'float32', [STEPS_DIM, BATCH_DIM, head.featureSize]);
  const labels = graph.addInput(inNames.labels, 'int64', [STEPS_DIM, BATCH_DIM]);
  const parameters = parameterList.map((p) => graph.addInput(p.name, 'float32', p.shape));
  const velocities = parameterList.map((p) => graph.addInput(`${inNames.velocityPrefix}${p.name}`, 'float32', p.shape));
  const anchors = new Map(parameterList.map((p) => [p.name, graph.addInput(`${inNames.anchorPrefix}${p.name}`, 'float32', p.shape)]));
  const learningRate = graph.addInput(inNames.learningRate, 'float32', []);
  const momentum = graph.addInput(inNames.momentum, 'float32', []);
  const l2Sp = graph.addInput(inNames.l2Sp, 'float32', []);

  // The body: its inputs are (iteration, condition, carried parameters..., carried velocities...).
  const body = new OnnxGraphBuilder('edgetune-train-steps-body', 'body/');
  const iteration = body.addInput('body/iteration', 'int64', []);
  const condition = body.addInput('body/condition', 'bool', []);
  const carriedParameters = new Map(parameterList.map((p) => [p.name, body.addInput(`body/${p.name}`, 'float32', p.shape)]));
  const carriedVelocities = new Map(parameterList.map((p) => [p.name, body.addInput(`body/velocity.${p.name}`, 'float32', p.shape)]));
  const stepFeatures = body.op('Gather', [features, iteration], { axis: { int: 0 } });
  const stepLabels = body.op('Gather', [labels, iteration], { axis: { int: 0 } });
  const step = emitTrainStep(
    body,
    head,
    { features: stepFeatures, labels: stepLabels, parameters: carriedParameters, velocities: carriedVelocities, anchors, learningRate, momentum, l2Sp },
    () => undefined,
  );
  body.addOutput(body.op('Identity', [condition]), 'bool', []);
  const bodyOutputs: string[] = [];
  for (const p of parameterList) bodyOutputs.push(step.parameters.get(p.name)!);
  for (const p of parameterList) bodyOutputs.push(step.velocities.get(p.name)!);
  parameterList.forEach((p, i) => body.addOutput(bodyOutputs[i]!, 'float32', p.shape));
  parameterList.forEach((p, i) => body.addOutput(bodyOutputs[parameterList.length + i]!, 'float32', p.shape));
  body.addOutput(step.loss, 'float32', []);
  const bodyGraph = body.toGraph();

  const tripCount = graph.op('Gather', [graph.op('Shape', [labels]), graph.constInt64([0], [])], { axis: { int: 0 } });
  const keepGoing = graph.constBool(true);
  const loopOutputs = [
    ...parameterList.map((p) => `${outNames.parameterPrefix}${p.name}`),
    ...parameterList.map((p) => `${outNames.velocityPrefix}${p.name}`),
    outNames.loss,
  ];
  graph.opMulti('Loop', [tripCount, keepGoing, ...parameters, ...velocities], loopOutputs.length, { body: { graph: bodyGraph } }, loopOutputs);
  for (const p of parameterList) graph.addOutput(`${outNames.parameterPrefix}${p.name}`, 'float32', p.shape);
  for (const p of parameterList) graph.addOutput(`${outNames.velocityPrefix}${p.name}`, 'float32', p.shape);
  graph.addOutput(outNames.loss, 'float32', [STEPS_DIM]);
  return graph.toBytes('edgetune train step: S steps of SGD with momentum on mean softmax cross-entropy + L2-SP, one Loop iteration each');
}
