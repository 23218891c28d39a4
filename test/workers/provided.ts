/** What the Node-side global setup hands the tests running in workerd (JSON-serialisable). */
export interface EdgeFixtures {
  /** Every committed checkpoint, published by the tests into the R2 binding. */
  readonly checkpoints: ReadonlyArray<{ readonly name: string; readonly manifest: string; readonly files: Readonly<Record<string, string>> }>;
  /** PARITY_COUNT MNIST test images, 784 bytes each, base64. */
  readonly images: string;
  /** onnxruntime-node's probabilities for those images, per model: PARITY_COUNT x 10. */
  readonly referenceProbs: Readonly<Record<string, number[]>>;
  /** A large RGBA PNG of a dark digit on white, base64, and the SDK's probabilities for it per model. */
  readonly png: { readonly bytes: string; readonly probs: Readonly<Record<string, number[]>> };
}

export const PARITY_COUNT = 100;

declare module 'vitest' {
  interface ProvidedContext {
    edgeFixtures: EdgeFixtures;
  }
}
