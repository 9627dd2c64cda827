import { result } from '../autograd/record.js';
import type { ComparisonOp } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastBinary } from './broadcast.js';
import { asPair, expectDtype, type Operand } from './operand.js';

/** Comparisons and logic give bool tensors and pass no gradient. */
function compare(op: ComparisonOp, a: Operand, b: Operand): Tensor {
  const [ta, tb] = asPair(op, a, b);
  if (op === 'logicalAnd' || op === 'logicalOr') expectDtype(op, ta, 'bool');
  const { values, shape } = broadcastBinary(op, ta, tb);
  return result(op, values, shape, 'bool', [ta, tb]);
}

export const equal = (a: Operand, b: Operand): Tensor => compare('equal', a, b);
export const notEqual = (a: Operand, b: Operand): Tensor => compare('notEqual', a, b);
export const less = (a: Operand, b: Operand): Tensor => compare('less', a, b);
export const lessEqual = (a: Operand, b: Operand): Tensor => compare('lessEqual', a, b);
export const greater = (a: Operand, b: Operand): Tensor => compare('greater', a, b);
export const greaterEqual = (a: Operand, b: Operand): Tensor => compare('greaterEqual', a, b);
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => compare('logicalAnd', a, b);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => compare('logicalOr', a, b);
