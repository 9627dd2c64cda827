import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { padShape, shapesEqual } from '../tensor/shape.js';
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
