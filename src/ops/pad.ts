import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { slice } from './slice.js';

/** Pads each dimension with [before, after] copies of `constantValue`. */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], constantValue = 0): Tensor {
  const valid =
    paddings.length === x.rank &&
    paddings.every((p) => p.length === 2 && p.every((n) => Number.isInteger(n) && n >= 0));
  if (!valid) {
    throw new ShapeError(
      messages.invalidArgument('pad', 'paddings', paddings, `${x.rank} pairs of non-negative integers`),
    );
  }
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const values = backend().pad(x.values, x.shape, paddings, constantValue);
  return result('pad', values, shape, x.dtype, [x], (dy) => [
    slice(
      dy,
      paddings.map(([before]) => before),
      x.shape,
    ),
  ]);
}
