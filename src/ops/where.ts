import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { broadcastShapes, padShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { sumToShape } from './broadcast.js';
import { asPair, expectDtype, type Operand } from './operand.js';

/** Picks `a` where `condition` is true and `b` elsewhere, all three broadcast together. */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  expectDtype('where', condition, 'bool');
  const [ta, tb] = asPair('where', a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, ta.shape), tb.shape);
  const rank = shape.length;
  const values = backend().where(
    condition.values as Uint8Array,
    padShape(condition.shape, rank),
    ta.values,
    padShape(ta.shape, rank),
    tb.values,
    padShape(tb.shape, rank),
    shape,
  );
  // No gradient flows through the condition.
  return result('where', values, shape, ta.dtype, [ta, tb], (dy) => [
    sumToShape(where(condition, dy, 0), ta.shape),
    sumToShape(where(condition, 0, dy), tb.shape),
  ]);
}
