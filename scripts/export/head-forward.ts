/**
 * The head's forward pass (features -> logits), emitted on a tape. model.onnx, head.onnx and
 * train-step.onnx all build their head through this one function, so they cannot disagree.
 */
import { addBias, matMul, relu } from './autodiff-ops.ts';
import type { Tape, Var } from './autodiff-tape.ts';
import type { HeadSpec } from './extract-head.ts';
import { biasName, weightName } from './head-parameters.ts';

export function headLogits(tape: Tape, features: Var, head: HeadSpec, parameter: (name: string) => Var): Var {
  let x = features;
  let denseIndex = 0;
  for (const op of head.ops) {
    if (op.kind === 'relu') {
      x = relu(tape, x);
      continue;
    }
    x = addBias(tape, matMul(tape, x, parameter(weightName(denseIndex))), parameter(biasName(denseIndex)));
    denseIndex++;
  }
  return x;
}
