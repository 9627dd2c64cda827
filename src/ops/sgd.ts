import { result } from '../autograd/record.js';
import { backend, type SgdHyper } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * One SGD step for one parameter as a single fused pass, for the optimizers of the model API:
 * returns the new parameter and, with momentum, the new velocity. Not differentiable.
 */
export function sgdUpdate(
  param: Tensor,
  grad: Tensor,
  velocity: Tensor | null,
  hyper: SgdHyper,
): { param: Tensor; velocity: Tensor | null } {
  const out = backend().sgd(param.values, grad.values, velocity?.values ?? null, hyper);
  return {
    param: result('sgd', out.param, param.shape, param.dtype, []),
    velocity: out.velocity && result('sgd', out.velocity, param.shape, param.dtype, []),
  };
}
