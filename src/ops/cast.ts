import { result } from '../autograd/record.js';
import { backend, type DType } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';

/** Converts to another dtype (float to int truncates toward zero); gradients flow between floats. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (dtype === x.dtype) return x;
  const floatToFloat =
    (dtype === 'float32' || dtype === 'float64') && (x.dtype === 'float32' || x.dtype === 'float64');
  return result('cast', backend().cast(x.values, dtype), x.shape, dtype, [x], (dy) => [
    floatToFloat ? cast(dy, x.dtype) : null,
  ]);
}
