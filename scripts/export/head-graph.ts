/**
 * head.onnx: the head alone, every parameter a plain graph input (ONNX Runtime's JS
 * bindings do not let callers override initializers), so the SDK can feed personalized values.
 */
import { softmax } from './autodiff-ops.ts';
import { Tape, type Var } from './autodiff-tape.ts';
import type { HeadSpec } from './extract-head.ts';
import { headLogits } from './head-forward.ts';
import { headParameters } from './head-parameters.ts';
import { BATCH_DIM, OnnxGraphBuilder } from './onnx-graph-builder.ts';

export function buildHeadGraph(head: HeadSpec): Uint8Array {
  const graph = new OnnxGraphBuilder('edgetune-head');
  const tape = new Tape(graph);
  const features = tape.leaf(graph.addInput('features', 'float32', [BATCH_DIM, head.featureSize]), false);
  const parameters = new Map<string, Var>();
  for (const parameter of headParameters(head)) {
    parameters.set(parameter.name, tape.leaf(graph.addInput(parameter.name, 'float32', parameter.shape), false));
  }

  const logits = headLogits(tape, features, head, (name) => parameters.get(name)!);
  softmax(tape, logits, 'probs');
  graph.op('Identity', [logits.name], {}, 'logits');
  graph.addOutput('probs', 'float32', [BATCH_DIM, head.classCount]);
  graph.addOutput('logits', 'float32', [BATCH_DIM, head.classCount]);
  return graph.toBytes('edgetune head: features + parameters -> probs, logits');
}
