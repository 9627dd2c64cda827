import { result } from '../autograd/record.js';
import { type ArgReduceOp, backend, type ReduceOp } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { normalizeAxes, normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { div, mul } from './arithmetic.js';
import { broadcastTo } from './broadcast.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { expectDtype } from './operand.js';
import { reshape } from './reshape.js';

export type Axes = number | readonly number[];

export interface ReduceOptions {
  /** Keep reduced dimensions with size 1, so the result broadcasts against the input. */
  keepDims?: boolean;
}

function reduce(op: ReduceOp, x: Tensor, axis: Axes | undefined, keepDims: boolean): Tensor {
  expectDtype(op, x, 'numeric');
  const axes = normalizeAxes(op, axis, x.shape);
  if (op !== 'sum' && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(messages.invalidArgument(op, 'axis', axis ?? null, 'axes of non-zero size'));
  }
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  const values = backend().reduce(op, x.values, x.shape, axes);
  return result(op, values, shape, x.dtype, [x], (dy, y) => {
    const spread = (t: Tensor) => broadcastTo(reshape(t, kept), x.shape);
    if (op === 'sum') return [spread(dy)];
    // max/min: the gradient goes to the elements equal to the result, split evenly among ties.
    const hits = cast(equal(x, spread(y)), x.dtype);
    const count = sum(hits, axes, { keepDims: true });
    return [mul(spread(dy), div(hits, count))];
  });
}

/** Sum over `axis` (one, several, or all when omitted). */
export function sum(x: Tensor, axis?: Axes, options: ReduceOptions = {}): Tensor {
  return reduce('sum', x, axis, options.keepDims ?? false);
}

export function max(x: Tensor, axis?: Axes, options: ReduceOptions = {}): Tensor {
  return reduce('max', x, axis, options.keepDims ?? false);
}

export function min(x: Tensor, axis?: Axes, options: ReduceOptions = {}): Tensor {
  return reduce('min', x, axis, options.keepDims ?? false);
}

function argReduce(op: ArgReduceOp, x: Tensor, axis: number): Tensor {
  expectDtype(op, x, 'numeric');
  const a = normalizeAxis(op, axis, x.shape);
  if (x.shape[a] === 0)
    throw new ShapeError(messages.invalidArgument(op, 'axis', axis, 'an axis of non-zero size'));
  const shape = x.shape.filter((_, i) => i !== a);
  return result(op, backend().argReduce(op, x.values, x.shape, a), shape, 'int32', [x]);
}

/** Index of the largest value along `axis` (the last by default), as int32; the first wins ties. */
export function argmax(x: Tensor, axis = -1): Tensor {
  return argReduce('argmax', x, axis);
}

export function argmin(x: Tensor, axis = -1): Tensor {
  return argReduce('argmin', x, axis);
}
