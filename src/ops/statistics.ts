import { messages, ShapeError } from '../tensor/errors.js';
import { normalizeAxes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, sub } from './arithmetic.js';
import { less } from './compare.js';
import { type Axes, max, type ReduceOptions, sum } from './reduce.js';
import { reshape } from './reshape.js';
import { abs, exp, log, square } from './unary.js';
import { where } from './where.js';

export function mean(x: Tensor, axis?: Axes, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('mean', axis, x.shape);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  if (count === 0)
    throw new ShapeError(messages.invalidArgument('mean', 'axis', axis ?? null, 'axes of non-zero size'));
  return div(sum(x, axes, options), count);
}

/** Population variance (divides by n), as NumPy's and Keras's default. */
export function variance(x: Tensor, axis?: Axes, options: ReduceOptions = {}): Tensor {
  const centred = sub(x, mean(x, axis, { keepDims: true }));
  return mean(square(centred), axis, options);
}

/**
 * log(sum(exp(x))) without overflow: the maximum is taken out first. It is held constant for
 * the gradient (it cancels), and replaced by 0 where infinite so that all -Infinity rows stay
 * -Infinity instead of NaN.
 */
export function logSumExp(x: Tensor, axis?: Axes, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('logSumExp', axis, x.shape);
  const peak = max(x, axes, { keepDims: true }).detach();
  const shift = where(less(abs(peak), Number.POSITIVE_INFINITY), peak, 0);
  const out = add(log(sum(exp(sub(x, shift)), axes, { keepDims: true })), shift);
  if (options.keepDims) return out;
  return reshape(
    out,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}
