import type { Tensor } from '../tensor/tensor.js';
import { add, div, maximum, minimum, mul, sub } from './arithmetic.js';
import { greater, less, logicalAnd } from './compare.js';
import { max, sum } from './reduce.js';
import { logSumExp } from './statistics.js';
import { erf, exp, expm1, tanh } from './unary.js';
import { where } from './where.js';

// Composites: written with primitives, so they need no gradient code of their own.

// Kinks take the gradient of the flat side, as TensorFlow and PyTorch do: relu'(0) = 0, the same
// as the fused kernels' relu.
export const relu = (x: Tensor): Tensor => where(greater(x, 0), x, 0);

/** min(max(x, 0), 6), with gradient 1 strictly inside (0, 6) only. */
export const relu6 = (x: Tensor): Tensor =>
  where(logicalAnd(greater(x, 0), less(x, 6)), x, minimum(maximum(x, 0), 6).detach());

/** x for x > 0, alpha·x otherwise (Keras's default slope is 0.2). */
export const leakyRelu = (x: Tensor, alpha = 0.2): Tensor => where(greater(x, 0), x, mul(x, alpha));

/**
 * x for x > 0, alpha·(exp(x) − 1) otherwise. The exponential only ever sees x ≤ 0: on the branch
 * `where` discards, exp of a large x would be Infinity and its zero gradient times Infinity NaN.
 */
export const elu = (x: Tensor, alpha = 1): Tensor =>
  where(greater(x, 0), x, mul(expm1(minimum(x, 0)), alpha));

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Self-normalising ELU (Klambauer et al. 2017). */
export const selu = (x: Tensor): Tensor => mul(elu(x, SELU_ALPHA), SELU_SCALE);

/** x·Φ(x) with the exact normal CDF by default, as Keras; `approximate` uses the tanh form. */
export function gelu(x: Tensor, approximate = false): Tensor {
  if (approximate) {
    const inner = mul(add(x, mul(mul(x, mul(x, x)), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/** exp(x) normalised along `axis`; the maximum is subtracted first so large logits cannot overflow. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const e = exp(sub(x, max(x, axis, { keepDims: true }).detach()));
  return div(e, sum(e, axis, { keepDims: true }));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(x, logSumExp(x, axis, { keepDims: true }));
}
