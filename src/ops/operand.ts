import type { DType } from '../backend/index.js';
import { scalar } from '../tensor/creation.js';
import { DTypeError, messages } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** A tensor, or a plain number that takes the dtype of the tensor it is combined with. */
export type Operand = Tensor | number;

function asTensor(x: Operand, like?: Tensor): Tensor {
  if (typeof x !== 'number') return x;
  const dtype = like?.dtype ?? 'float32';
  // An int tensor combined with a fraction must fail loudly, not truncate the fraction.
  return scalar(
    x,
    dtype === 'int32' && !Number.isInteger(x) ? 'float32' : dtype === 'bool' ? 'float32' : dtype,
  );
}

/** Converts a pair of operands, a number taking the other side's dtype, and checks they agree. */
export function asPair(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  const ta = typeof a === 'number' && typeof b !== 'number' ? asTensor(a, b) : asTensor(a);
  const tb = asTensor(b, ta);
  if (ta.dtype !== tb.dtype) {
    throw new DTypeError(messages.dtypeMismatch(op, ta.dtype, tb.dtype, ta.shape, tb.shape));
  }
  return [ta, tb];
}

const FLOAT: readonly DType[] = ['float32', 'float64'];
const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32'];

export function expectDtype(op: string, t: Tensor, allowed: 'float' | 'numeric' | 'bool' | 'int32'): void {
  const ok =
    allowed === 'float'
      ? FLOAT.includes(t.dtype)
      : allowed === 'numeric'
        ? NUMERIC.includes(t.dtype)
        : t.dtype === allowed;
  if (!ok) {
    const expected = {
      float: 'float32 or float64',
      numeric: 'a numeric dtype (not bool)',
      bool: 'bool',
      int32: 'int32',
    };
    throw new DTypeError(messages.dtypeNotAllowed(op, t.dtype, t.shape, expected[allowed]));
  }
}
