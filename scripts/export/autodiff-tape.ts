/**
 * Reverse-mode differentiation at graph-build time. Ops (see autodiff-ops.ts) emit their
 * forward ONNX nodes immediately and record a closure that, given the name of the
 * gradient of their output, emits the ONNX nodes of their inputs' gradients.
 * The result is a plain ONNX graph: no training ops, any execution provider can run it.
 */
import type { OnnxGraphBuilder } from './onnx-graph-builder.ts';

/** A value in the graph being differentiated. */
export interface Var {
  readonly id: number;
  /** ONNX value name. */
  readonly name: string;
  readonly requiresGrad: boolean;
}

type Backward = (outputGrad: string) => void;

export class Tape {
  private readonly backwards = new Map<number, Backward>();
  private readonly grads = new Map<number, string>();
  private nextId = 0;
  private differentiated = false;

  constructor(readonly graph: OnnxGraphBuilder) {}

  /** A graph input or initializer; only leaves with requiresGrad get gradients. */
  leaf(name: string, requiresGrad: boolean): Var {
    return { id: this.nextId++, name, requiresGrad };
  }

  /**
   * Registers an op output. Its backward closure only runs if a gradient reaches it,
   * and outputs of ops whose inputs need no gradient are constants for the tape.
   */
  record(name: string, inputs: readonly Var[], backward: Backward): Var {
    const requiresGrad = inputs.some((input) => input.requiresGrad);
    const output = { id: this.nextId++, name, requiresGrad };
    if (requiresGrad) this.backwards.set(output.id, backward);
    return output;
  }

  /** Adds a gradient contribution; several contributions to one value are summed. */
  accumulate(target: Var, grad: string): void {
    if (!target.requiresGrad) return;
    const existing = this.grads.get(target.id);
    this.grads.set(target.id, existing === undefined ? grad : this.graph.op('Add', [existing, grad]));
  }

  /**
   * Emits d(loss)/d(v) for every Var that requires a gradient, loss being a scalar.
   * Ids grow with creation order, so visiting them in decreasing order is a valid reverse
   * topological order: each output's gradient is complete before its backward runs.
   */
  backward(loss: Var): (target: Var) => string {
    // A second pass would add its gradients onto the first one's.
    if (this.differentiated) throw new Error('a tape can be differentiated only once');
    this.differentiated = true;
    if (!loss.requiresGrad) throw new Error('loss does not depend on any value that requires a gradient');
    this.grads.set(loss.id, this.graph.constFloat(1));
    const ids = [...this.backwards.keys()].sort((a, b) => b - a);
    for (const id of ids) {
      const grad = this.grads.get(id);
      if (grad !== undefined) this.backwards.get(id)!(grad);
    }
    return (target) => {
      const grad = this.grads.get(target.id);
      if (grad === undefined) throw new Error(`no gradient reached "${target.name}"`);
      return grad;
    };
  }
}
