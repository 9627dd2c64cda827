import type { Tensor } from '../tensor/tensor.js';
import { logSoftmax } from './activations.js';
import { add, maximum, mul, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { oneHot } from './one-hot.js';
import { sum } from './reduce.js';
import { abs, exp, log1p, neg } from './unary.js';

/**
 * Cross-entropy between label distributions and the softmax of `logits`, one value per row,
 * computed from log-softmax so that logits of any size give finite losses and gradients.
 */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor, axis = -1): Tensor {
  return neg(sum(mul(cast(labels, logits.dtype), logSoftmax(logits, axis)), axis));
}

/** The same with int32 class indices as labels (over the last axis). */
export function sparseSoftmaxCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  const depth = logits.shape[logits.rank - 1];
  return softmaxCrossEntropy(oneHot(labels, depth), logits);
}

/** Elementwise binary cross-entropy of sigmoid(logits): max(x, 0) − x·z + log(1 + exp(−|x|)). */
export function sigmoidCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  const z = cast(labels, logits.dtype);
  return add(sub(maximum(logits, 0), mul(logits, z)), log1p(exp(neg(abs(logits)))));
}
