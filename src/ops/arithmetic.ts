import { result } from '../autograd/record.js';
import type { ArithmeticOp } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastBinary, sumToShape } from './broadcast.js';
import { greater, greaterEqual, less, lessEqual } from './compare.js';
import { asPair, expectDtype, type Operand } from './operand.js';
import { log, neg, square } from './unary.js';
import { where } from './where.js';

type Rule = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

/** Gradients of y = op(a, b), before summing over the dimensions that broadcast. */
const rules: Record<ArithmeticOp, Rule> = {
  add: (dy) => [dy, dy],
  sub: (dy) => [dy, neg(dy)],
  mul: (dy, a, b) => [mul(dy, b), mul(dy, a)],
  div: (dy, a, b) => [div(dy, b), neg(div(mul(dy, a), square(b)))],
  pow: (dy, a, b, y) => [
    mul(dy, mul(b, pow(a, sub(b, 1)))),
    // Only asked for when the exponent is trained: log(a) is NaN for negative bases.
    b.requiresGrad ? mul(dy, mul(y, log(a))) : null,
  ],
  // Ties send the gradient to `a`, as TensorFlow does.
  maximum: (dy, a, b) => [where(greaterEqual(a, b), dy, 0), where(less(a, b), dy, 0)],
  minimum: (dy, a, b) => [where(lessEqual(a, b), dy, 0), where(greater(a, b), dy, 0)],
};

function arithmetic(op: ArithmeticOp, a: Operand, b: Operand): Tensor {
  const [ta, tb] = asPair(op, a, b);
  expectDtype(op, ta, 'numeric');
  const { values, shape } = broadcastBinary(op, ta, tb);
  return result(op, values, shape, ta.dtype, [ta, tb], (dy, y) => {
    const [ga, gb] = rules[op](dy, ta, tb, y);
    return [ga && sumToShape(ga, ta.shape), gb && sumToShape(gb, tb.shape)];
  });
}

/** a + b, with NumPy broadcasting (as every binary op here). */
export const add = (a: Operand, b: Operand): Tensor => arithmetic('add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => arithmetic('sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => arithmetic('mul', a, b);
/** a / b; for int32, the quotient rounded down (floor division, as TensorFlow.js and Python). */
export const div = (a: Operand, b: Operand): Tensor => arithmetic('div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => arithmetic('pow', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => arithmetic('maximum', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => arithmetic('minimum', a, b);
