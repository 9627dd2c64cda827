import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError, ValueError } from '../tensor/errors.js';
import { normalizeAxis, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { logSoftmax } from './activations.js';
import { mul, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { oneHot } from './one-hot.js';
import { expectDtype } from './operand.js';
import { sum } from './reduce.js';
import { expandDims } from './reshape.js';
import { neg, softplus } from './unary.js';

/**
 * Cross-entropy between label distributions and the softmax of `logits`, one value per row.
 * Over the last axis it is one fused primitive (softmax, loss and gradient in a pass per row,
 * finite for logits of any size); over another axis it is composed from logSoftmax. No gradient
 * flows to the labels.
 */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor, axis = -1): Tensor {
  const z = cast(labels, logits.dtype).detach();
  if (!shapesEqual(z.shape, logits.shape)) {
    throw new ShapeError(messages.broadcastTo('softmaxCrossEntropy', z.shape, logits.shape));
  }
  if (normalizeAxis('softmaxCrossEntropy', axis, logits.shape) !== logits.rank - 1) {
    return neg(sum(mul(z, logSoftmax(logits, axis)), axis));
  }
  const classes = logits.shape[logits.rank - 1];
  if (classes === 0)
    throw new ShapeError(messages.rankAtLeast('softmaxCrossEntropy', "logits' classes", 1, logits.shape));
  const rows = logits.size / classes;
  const { loss, probs } = backend().softmaxCrossEntropy(logits.values, z.values, rows, classes);
  return result('softmaxCrossEntropy', loss, logits.shape.slice(0, -1), logits.dtype, [logits], (dy) => {
    // d loss / d logits = probs · Σ labels − labels, per row, scaled by the row's incoming gradient.
    const p = result('softmax', probs, logits.shape, logits.dtype, []);
    const g = sub(mul(p, sum(z, -1, { keepDims: true })), z);
    return [mul(g, expandDims(dy, -1))];
  });
}

/** The same with int32 class indices as labels (over the last axis); an index out of range is an error. */
export function sparseSoftmaxCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  expectDtype('sparseSoftmaxCrossEntropy', labels, 'int32');
  const classes = logits.shape[logits.rank - 1];
  for (const label of labels.values) {
    if (label < 0 || label >= classes) {
      throw new ValueError(messages.labelOutOfRange('sparseSoftmaxCrossEntropy', label, classes));
    }
  }
  return softmaxCrossEntropy(oneHot(labels, classes), logits);
}

/**
 * Elementwise binary cross-entropy of sigmoid(logits): softplus(x) − x·z, finite for any logit,
 * with gradient sigmoid(x) − z (also at x = 0). No gradient flows to the labels.
 */
export function sigmoidCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  const z = cast(labels, logits.dtype).detach();
  return sub(softplus(logits), mul(logits, z));
}
