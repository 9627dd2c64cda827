import { allocate, dtypeOf, type TypedArray } from '../storage.js';

/**
 * Softmax and cross-entropy in one pass per row, with the maximum taken out first so that no
 * logit overflows: loss = −Σ labels · log softmax(x), probs = softmax(x).
 */
export function softmaxCrossEntropy(
  logits: TypedArray,
  labels: TypedArray,
  rows: number,
  classes: number,
): { loss: TypedArray; probs: TypedArray } {
  const loss = allocate(dtypeOf(logits), rows);
  const probs = allocate(dtypeOf(logits), rows * classes);
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c]);
    if (!Number.isFinite(max)) max = 0;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c] - max);
    const logSum = Math.log(sum);
    let rowLoss = 0;
    for (let c = 0; c < classes; c++) {
      const logProb = logits[o + c] - max - logSum;
      probs[o + c] = Math.exp(logProb);
      if (labels[o + c] !== 0) rowLoss -= labels[o + c] * logProb;
    }
    loss[r] = rowLoss;
  }
  return { loss, probs };
}
