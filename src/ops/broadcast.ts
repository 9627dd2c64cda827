import { result } from '../autograd/record.js';
import { type BinaryOp, backend, type TypedArray } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { broadcastShapes, padShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';

/** Repeats `x` along dimensions of size 1 (and new leading ones) to fill `shape`. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const padded = padShape(x.shape, shape.length);
  if (x.rank > shape.length || padded.some((d, i) => d !== shape[i] && d !== 1)) {
    throw new ShapeError(messages.broadcastTo('broadcastTo', x.shape, shape));
  }
  const values = backend().broadcastTo(x.values, padded, shape);
  return result('broadcastTo', values, shape, x.dtype, [x], (dy) => [sumToShape(dy, x.shape)]);
}

/** The gradient of broadcasting: sums `g` over the dimensions along which `shape` was repeated. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes = g.shape
    .map((_, i) => i)
    .filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  return reshape(sum(g, axes), shape);
}

/** Runs a binary kernel on two tensors broadcast together; the shared core of arithmetic and comparisons. */
export function broadcastBinary(op: BinaryOp, a: Tensor, b: Tensor): { values: TypedArray; shape: number[] } {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const rank = shape.length;
  const values = backend().binary(
    op,
    a.values,
    padShape(a.shape, rank),
    b.values,
    padShape(b.shape, rank),
    shape,
  );
  return { values, shape };
}
