import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { expectDtype } from './operand.js';

/** float32 one-hot rows of length `depth` for int32 class indices; out-of-range indices give all `offValue`. */
export function oneHot(indices: Tensor, depth: number, onValue = 1, offValue = 0): Tensor {
  expectDtype('oneHot', indices, 'int32');
  if (!Number.isInteger(depth) || depth <= 0) {
    throw new ShapeError(messages.invalidArgument('oneHot', 'depth', depth, 'a positive integer'));
  }
  const values = backend().oneHot(indices.values as Int32Array, depth, onValue, offValue);
  return result('oneHot', values, [...indices.shape, depth], 'float32', [indices]);
}
