import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { normalizeAxis, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { logSoftmax } from './activations.js';
import { add, maximum, mul, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { oneHot } from './one-hot.js';
import { sum } from './reduce.js';
import { expandDims } from './reshape.js';
import { abs, exp, log1p, neg } from './unary.js';

/**
 * Cross-entropy between label distributions and the softmax of `logits`, one value per row.
 * Over the last axis it is one fused primitive (softmax, loss and gradient in a pass per row,
 * finite for logits of any size); over another axis it is composed from logSoftmax. No gradient
 * flows to the labels.
 */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor, axis = -1): Tensor {
  const z = cast(labels, logits.dtype);
  if (normalizeAxis('softmaxCrossEntropy', axis, logits.shape) !== logits.rank - 1) {
    return neg(sum(mul(z, logSoftmax(logits, axis)), axis));
  }
  if (!shapesEqual(z.shape, logits.shape)) {
    throw new ShapeError(messages.broadcastTo('softmaxCrossEntropy', z.shape, logits.shape));
  }
  const classes = logits.shape[logits.rank - 1];
  const rows = logits.size / classes;
  const { loss, probs } = backend().softmaxCrossEntropy(logits.values, z.values, rows, classes);
  return result('softmaxCrossEntropy', loss, logits.shape.slice(0, -1), logits.dtype, [logits], (dy) => {
    // d loss / d logits = probs · Σ labels − labels, per row, scaled by the row's incoming gradient.
    const p = result('softmax', probs, logits.shape, logits.dtype, []);
    const g = sub(mul(p, sum(z, -1, { keepDims: true })), z);
    return [mul(g, expandDims(dy, -1))];
  });
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
