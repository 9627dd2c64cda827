import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { DTypeError, messages, ShapeError } from '../tensor/errors.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { expandDims } from './reshape.js';
import { split } from './slice.js';

/** Joins tensors along an existing axis; all other dimensions must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0)
    throw new ShapeError(messages.invalidArgument('concat', 'tensors', [], 'at least one tensor'));
  const first = xs[0];
  const a = normalizeAxis('concat', axis, first.shape);
  for (const x of xs) {
    if (x.dtype !== first.dtype) {
      throw new DTypeError(messages.dtypeMismatch('concat', first.dtype, x.dtype, first.shape, x.shape));
    }
    if (x.rank !== first.rank || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(messages.concatShapes('concat', first.shape, x.shape, a));
    }
  }
  if (xs.length === 1) return first;
  const sizes = xs.map((x) => x.shape[a]);
  const shape = first.shape.map((d, i) => (i === a ? sizes.reduce((s, n) => s + n, 0) : d));
  const values = backend().concat(
    xs.map((x) => x.values),
    xs.map((x) => x.shape),
    a,
  );
  return result('concat', values, shape, first.dtype, xs, (dy) => split(dy, sizes, a));
}

/** Joins tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0)
    throw new ShapeError(messages.invalidArgument('stack', 'tensors', [], 'at least one tensor'));
  const a = normalizeAxis('stack', axis, xs[0].shape, xs[0].rank + 1);
  for (const x of xs) {
    if (x.rank !== xs[0].rank || x.shape.some((d, i) => d !== xs[0].shape[i])) {
      throw new ShapeError(messages.broadcastTo('stack', x.shape, xs[0].shape));
    }
  }
  return concat(
    xs.map((x) => expandDims(x, a)),
    a,
  );
}
