import { result } from '../autograd/record.js';
import { type AdamHyper, backend } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * One Adam step for one parameter as a single fused pass, for the optimizers of the model API:
 * returns the new parameter and moments. `learningRate` must already include the bias
 * correction for this step. Not differentiable.
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  hyper: AdamHyper,
): { param: Tensor; m: Tensor; v: Tensor } {
  const out = backend().adam(param.values, grad.values, m.values, v.values, hyper);
  return {
    param: result('adam', out.param, param.shape, param.dtype, []),
    m: result('adam', out.m, m.shape, m.dtype, []),
    v: result('adam', out.v, v.shape, v.dtype, []),
  };
}
