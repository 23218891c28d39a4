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
  const predictions: Prediction[] = new Array(count);
  const order = new Int32Array(topK);
  // Plain loops over `probs` itself: this runs for every image of a batch on the caller's thread.
  for (let i = 0; i < count; i++) {
    const base = i * classes;
    // Top-k by insertion: k is at most the number of labels, and usually 3.
    let filled = 0;
    for (let c = 0; c < classes; c++) {
      const score = probs[base + c]!;
      if (filled === topK && score <= probs[base + order[filled - 1]!]!) continue;
      let at = filled < topK ? filled++ : topK - 1;
      while (at > 0 && probs[base + order[at - 1]!]! < score) {
        order[at] = order[at - 1]!;
        at--;
      }
      order[at] = c;
    }
    const top: ScoredLabel[] = new Array(filled);
    for (let rank = 0; rank < filled; rank++) {
      const index = order[rank]!;
      top[rank] = { label: labels[index]!, index, score: probs[base + index]! };
    }
    const best = top[0]!;
    // `scores` is a view, not a copy: `probs` came from the worker and belongs to the caller alone.
    predictions[i] = { label: best.label, index: best.index, confidence: best.score, scores: probs.subarray(base, base + classes), top };
  }
  return predictions;
}
