/**
 * Differentiable ops for the head, each with its forward and backward emitters side by side.
 * Shapes: x [N, in], weight [in, out], bias [out], labels int64 [N]; scalars have shape [].
 * Backward emitters only use common ops (MatMul, Transpose, Add, Sub, Mul, Div, ReduceSum,
 * Greater, Where, Exp, Cast, Shape) so the train step runs on CPU, WASM and WebGPU alike.
 */
import type { Tape, Var } from './autodiff-tape.ts';
import { int, onnxDataType } from './onnx-graph-builder.ts';

/** y = a b (2-D). dA = dY bᵀ, dB = aᵀ dY. */
export function matMul(tape: Tape, a: Var, b: Var): Var {
  const g = tape.graph;
  return tape.record(g.op('MatMul', [a.name, b.name]), [a, b], (dy) => {
    if (a.requiresGrad) tape.accumulate(a, g.op('MatMul', [dy, g.op('Transpose', [b.name])]));
    if (b.requiresGrad) tape.accumulate(b, g.op('MatMul', [g.op('Transpose', [a.name]), dy]));
  });
}

/** y = x + bias, bias broadcast over rows. dX = dY, dBias = Σ_rows dY. */
export function addBias(tape: Tape, x: Var, bias: Var): Var {
  const g = tape.graph;
  return tape.record(g.op('Add', [x.name, bias.name]), [x, bias], (dy) => {
    tape.accumulate(x, dy);
    if (bias.requiresGrad) tape.accumulate(bias, g.op('ReduceSum', [dy, g.constInt64([0])], { keepdims: int(0) }));
  });
}

/** y = max(x, 0). dX = dY where x > 0, else 0 (the subgradient at 0 is 0, as in tfjs). */
export function relu(tape: Tape, x: Var): Var {
  const g = tape.graph;
  return tape.record(g.op('Relu', [x.name]), [x], (dy) => {
    const positive = g.op('Greater', [x.name, g.constFloat(0)]);
    tape.accumulate(x, g.op('Where', [positive, dy, g.constFloat(0)]));
  });
}

/** y = a - b (same shapes). dA = dY, dB = -dY. */
export function sub(tape: Tape, a: Var, b: Var): Var {
  const g = tape.graph;
  return tape.record(g.op('Sub', [a.name, b.name]), [a, b], (dy) => {
    tape.accumulate(a, dy);
    if (b.requiresGrad) tape.accumulate(b, g.op('Neg', [dy]));
  });
}

/** y = a + b (same shapes). dA = dB = dY. */
export function add(tape: Tape, a: Var, b: Var): Var {
  const g = tape.graph;
  return tape.record(g.op('Add', [a.name, b.name]), [a, b], (dy) => {
    tape.accumulate(a, dy);
    tape.accumulate(b, dy);
  });
}

/** y = x * factor, factor a scalar constant or input that needs no gradient. dX = dY * factor. */
export function scale(tape: Tape, x: Var, factor: string): Var {
  const g = tape.graph;
  return tape.record(g.op('Mul', [x.name, factor]), [x], (dy) => {
    tape.accumulate(x, g.op('Mul', [dy, factor]));
  });
}

/** y = Σ x² over all elements (a scalar). dX = 2 x dY. */
export function sumOfSquares(tape: Tape, x: Var): Var {
  const g = tape.graph;
  const squares = g.op('Mul', [x.name, x.name]);
  return tape.record(g.op('ReduceSum', [squares], { keepdims: int(0) }), [x], (dy) => {
    tape.accumulate(x, g.op('Mul', [g.op('Mul', [dy, g.constFloat(2)]), x.name]));
  });
}

/**
 * Mean softmax cross-entropy of logits [N, C] against int64 class labels [N] (a scalar).
 * dLogits = (softmax(logits) - onehot(labels)) * dY / N.
 * The one-hot compares labels with the constant [0..C-1] (Equal + Cast) instead of OneHot,
 * which some execution providers lack; the labels are cast to float first so no int64
 * arithmetic is needed. An out-of-range label gets an all-zero row (no loss, no gradient).
 */
export function softmaxCrossEntropy(tape: Tape, logits: Var, labels: string, classCount: number): Var {
  const g = tape.graph;
  const classIds = g.constFloat(
    Array.from({ length: classCount }, (_, c) => c),
    [classCount],
  );
  const labelColumn = g.op('Unsqueeze', [g.op('Cast', [labels], { to: int(onnxDataType('float32')) }), g.constInt64([1])]);
  const oneHot = g.op('Cast', [g.op('Equal', [labelColumn, classIds])], { to: int(onnxDataType('float32')) });
  const logProbs = g.op('LogSoftmax', [logits.name], { axis: int(-1) });
  const picked = g.op('ReduceSum', [g.op('Mul', [oneHot, logProbs]), g.constInt64([1])], { keepdims: int(0) });
  const loss = g.op('Neg', [g.op('ReduceMean', [picked], { keepdims: int(0) })]);

  return tape.record(loss, [logits], (dy) => {
    const probs = g.op('Exp', [logProbs]);
    const batchSize = g.op('Cast', [g.op('Shape', [logits.name], { start: int(0), end: int(1) })], {
      to: int(onnxDataType('float32')),
    });
    const perRow = g.op('Div', [dy, batchSize]);
    tape.accumulate(logits, g.op('Mul', [g.op('Sub', [probs, oneHot]), perRow]));
  });
}

/** Softmax over the last axis; forward only (its gradient is fused into the cross-entropy). */
export function softmax(tape: Tape, logits: Var, outputName?: string): string {
  return tape.graph.op('Softmax', [logits.name], { axis: int(-1) }, outputName);
}
