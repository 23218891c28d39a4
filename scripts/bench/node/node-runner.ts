/** One way of running the bench checkpoint in Node, as the Node bench times it. */
export interface NodeRunner {
  /** What runs, e.g. "onnxruntime-node 1.30.0 (cpu, 1 thread)". */
  readonly runtime: string;
  /** Classifies all bench images in one call (the timed batch operation). */
  classifyBatch(): Promise<unknown>;
  /** Classifies the first bench image alone (the timed latency operation). */
  classifyOne(): Promise<unknown>;
  /** The most likely class of every bench image, to check that all runners compute the same network. */
  topClasses(): Promise<number[]>;
  dispose(): Promise<void>;
}

export function argmaxRows(probs: Float32Array, classes: number): number[] {
  const rows = probs.length / classes;
  return Array.from({ length: rows }, (_, row) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[row * classes + c]! > probs[row * classes + best]!) best = c;
    return best;
  });
}
