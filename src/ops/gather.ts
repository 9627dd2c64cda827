import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { expectDtype } from './operand.js';

/**
 * Takes the slices of `x` at `indices` along `axis`: an embedding lookup when axis is 0.
 * Output shape: x.shape[:axis] + indices.shape + x.shape[axis+1:]. The gradient adds each
 * output slice back into the row it came from, so repeated indices accumulate.
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  expectDtype('gather', indices, 'int32');
  const a = normalizeAxis('gather', axis, x.shape);
  const dim = x.shape[a];
  const flat = indices.values as Int32Array;
  for (const index of flat) {
    if (index < 0 || index >= dim) throw new ShapeError(messages.indexOutOfRange('gather', index, dim));
  }
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  const values = backend().gather(x.values, x.shape, flat, a);
  return result('gather', values, shape, x.dtype, [x, indices], (dy) => [scatterAdd(dy, flat, x, a), null]);
}

function scatterAdd(dy: Tensor, indices: Int32Array, like: Tensor, axis: number): Tensor {
  return result(
    'scatterAdd',
    backend().scatterAdd(dy.values, indices, like.shape, axis),
    like.shape,
    dy.dtype,
    [],
  );
}
