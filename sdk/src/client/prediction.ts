export interface ScoredLabel {
  readonly label: string;
  readonly index: number;
  readonly score: number;
}

export interface Prediction {
  /** The most likely label and its index in manifest.labels. */
  readonly label: string;
  readonly index: number;
  /** Its probability. */
  readonly confidence: number;
  /** One probability per label, summing to 1. */
  readonly scores: Float32Array;
  /** The `topK` most likely labels, best first. */
  readonly top: readonly ScoredLabel[];
}

export function toPredictions(probs: Float32Array, labels: readonly string[], count: number, topK: number): Prediction[] {
  const classes = labels.length;
  const predictions: Prediction[] = [];
  for (let i = 0; i < count; i++) {
    const scores = probs.slice(i * classes, (i + 1) * classes);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    const top = order.slice(0, topK).map((index) => ({ label: labels[index]!, index, score: scores[index]! }));
    const best = top[0]!;
    predictions.push({ label: best.label, index: best.index, confidence: best.score, scores, top });
  }
  return predictions;
}
