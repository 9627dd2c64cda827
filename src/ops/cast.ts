import { result } from '../autograd/record.js';
import { backend, type DType, isFloat } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';

/** Converts to another dtype (float to int truncates toward zero); gradients flow only between floats. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (dtype === x.dtype) return x;
  const differentiable = isFloat(dtype) && isFloat(x.dtype);
  return result(
    'cast',
    backend().cast(x.values, dtype),
    x.shape,
    dtype,
    [x],
    differentiable ? (dy) => [cast(dy, x.dtype)] : undefined,
  );
}
