// Top-k: the k most probable classes, and the share of examples whose true class is among them.
// ILSVRC ranks entries by top-5 error = 1 − top-5 accuracy.

/** The k largest entries of `probs`, largest first (ties keep the lower index first). */
export function topk(probs: ArrayLike<number>, k: number): { values: number[]; indices: number[] } {
  if (!(k >= 1 && k <= probs.length)) throw new Error(`topk: k must be between 1 and ${probs.length}, got ${k}`);
  const indices = Array.from(probs, (_, i) => i)
    .sort((a, b) => probs[b] - probs[a] || a - b)
    .slice(0, k);
  return { values: indices.map((i) => probs[i]), indices };
}

/** Fraction of rows whose label is among the row's k most probable classes. */
export function topkAccuracy(probs: ArrayLike<number>[], labels: ArrayLike<number>, k: number): number {
  if (probs.length !== labels.length) throw new Error(`topkAccuracy: ${probs.length} rows of probabilities but ${labels.length} labels`);
  let hits = 0;
  for (let n = 0; n < probs.length; n++) if (topk(probs[n], k).indices.includes(labels[n])) hits++;
  return hits / probs.length;
}

/** Confusion matrix: matrix[true class][predicted class] = count, for classes 0..k-1. */
export function confusionCounts(pred: ArrayLike<number>, target: ArrayLike<number>, k: number): number[][] {
  if (pred.length !== target.length) throw new Error(`confusionMatrix: ${pred.length} predictions but ${target.length} targets`);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < pred.length; i++) {
    if (!(target[i] >= 0 && target[i] < k && pred[i] >= 0 && pred[i] < k)) throw new Error(`confusionMatrix: class out of range at ${i}`);
    matrix[target[i]][pred[i]] += 1;
  }
  return matrix;
}
