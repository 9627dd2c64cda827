import { result } from '../autograd/record.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { normalizeAxes, normalizeAxis, shapesEqual, sizeOfShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** The same values under another shape; one dimension may be -1 and is then inferred. Shares memory. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const inferred = inferShape(x.shape, shape);
  if (shapesEqual(inferred, x.shape)) return x;
  return result('reshape', x.values, inferred, x.dtype, [x], (dy) => [reshape(dy, x.shape)]);
}

function inferShape(from: readonly number[], to: readonly number[]): number[] {
  const unknown = to.filter((d) => d === -1).length;
  const known = to.filter((d) => d !== -1);
  if (unknown > 1 || known.some((d) => !Number.isInteger(d) || d < 0))
    throw new ShapeError(messages.reshape(from, to));
  const size = sizeOfShape(from);
  const knownSize = sizeOfShape(known);
  if (unknown === 1) {
    if (knownSize === 0 || size % knownSize !== 0) throw new ShapeError(messages.reshape(from, to));
    return to.map((d) => (d === -1 ? size / knownSize : d));
  }
  if (knownSize !== size) throw new ShapeError(messages.reshape(from, to));
  return [...to];
}

/** Inserts a dimension of size 1 at `axis` (which may be -1 for the end). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const a = normalizeAxis('expandDims', axis, x.shape, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Removes dimensions of size 1: the listed ones, or all of them. */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, x.shape);
  for (const a of axes) {
    if (x.shape[a] !== 1) {
      throw new ShapeError(
        messages.invalidArgument(
          'squeeze',
          `dimension ${a} of shape [${x.shape.join(', ')}]`,
          x.shape[a],
          '1',
        ),
      );
    }
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Keeps the first dimension (the batch) and flattens the rest. */
export function flatten(x: Tensor): Tensor {
  return reshape(x, x.rank === 0 ? [1] : [x.shape[0], sizeOfShape(x.shape.slice(1))]);
}
