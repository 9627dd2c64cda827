import { result } from '../autograd/record.js';
import { backend, type UnaryOp } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from './arithmetic.js';
import { expectDtype } from './operand.js';

interface UnaryRule {
  /** What the input may be. */
  accepts: 'float' | 'numeric' | 'bool';
  /** dx from dy, the input x and the output y; null for ops whose gradient is zero where defined. */
  grad: ((dy: Tensor, x: Tensor, y: Tensor) => Tensor) | null;
}

/** One row per elementwise primitive: its inputs and its gradient (tinygrad keeps such a table). */
const rules: Record<UnaryOp, UnaryRule> = {
  neg: { accepts: 'numeric', grad: (dy) => neg(dy) },
  abs: { accepts: 'numeric', grad: (dy, x) => mul(dy, sign(x)) },
  sign: { accepts: 'numeric', grad: null },
  exp: { accepts: 'float', grad: (dy, _x, y) => mul(dy, y) },
  expm1: { accepts: 'float', grad: (dy, _x, y) => mul(dy, add(y, 1)) },
  log: { accepts: 'float', grad: (dy, x) => div(dy, x) },
  log1p: { accepts: 'float', grad: (dy, x) => div(dy, add(x, 1)) },
  sqrt: { accepts: 'float', grad: (dy, _x, y) => div(dy, mul(y, 2)) },
  rsqrt: { accepts: 'float', grad: (dy, _x, y) => mul(dy, mul(mul(y, mul(y, y)), -0.5)) },
  square: { accepts: 'numeric', grad: (dy, x) => mul(dy, mul(x, 2)) },
  reciprocal: { accepts: 'float', grad: (dy, _x, y) => neg(mul(dy, square(y))) },
  sigmoid: { accepts: 'float', grad: (dy, _x, y) => mul(dy, mul(y, sub(1, y))) },
  softplus: { accepts: 'float', grad: (dy, x) => mul(dy, sigmoid(x)) },
  tanh: { accepts: 'float', grad: (dy, _x, y) => mul(dy, sub(1, square(y))) },
  erf: { accepts: 'float', grad: (dy, x) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))) },
  sin: { accepts: 'float', grad: (dy, x) => mul(dy, cos(x)) },
  cos: { accepts: 'float', grad: (dy, x) => neg(mul(dy, sin(x))) },
  floor: { accepts: 'float', grad: null },
  ceil: { accepts: 'float', grad: null },
  round: { accepts: 'float', grad: null },
  logicalNot: { accepts: 'bool', grad: null },
};

function unary(op: UnaryOp, x: Tensor): Tensor {
  const { accepts, grad } = rules[op];
  expectDtype(op, x, accepts);
  const dtype = op === 'logicalNot' ? 'bool' : x.dtype;
  return result(op, backend().unary(op, x.values), x.shape, dtype, [x], (dy, y) => [
    grad ? grad(dy, x, y) : null,
  ]);
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** -1, 0 or 1; its gradient is zero. */
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** exp(x) - 1, accurate near zero. */
export const expm1 = (x: Tensor): Tensor => unary('expm1', x);
/** Natural logarithm; NaN for negative inputs and -Infinity at zero, as in IEEE arithmetic. */
export const log = (x: Tensor): Tensor => unary('log', x);
/** log(1 + x), accurate near zero. */
export const log1p = (x: Tensor): Tensor => unary('log1p', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** 1 / sqrt(x). */
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
/** 1 / (1 + exp(-x)), computed without overflow for any x. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/** log(1 + exp(x)), computed without overflow; its derivative is sigmoid(x), 0.5 at 0. */
export const softplus = (x: Tensor): Tensor => unary('softplus', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/** The Gauss error function. */
export const erf = (x: Tensor): Tensor => unary('erf', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const floor = (x: Tensor): Tensor => unary('floor', x);
export const ceil = (x: Tensor): Tensor => unary('ceil', x);
/** Rounds half to even, as NumPy and TensorFlow do. */
export const round = (x: Tensor): Tensor => unary('round', x);
export const logicalNot = (x: Tensor): Tensor => unary('logicalNot', x);
