import { isFloat } from '../backend/index.js';
import { zerosLike } from '../tensor/creation.js';
import { DeeplineError, DTypeError, messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradients } from './backward.js';
import { withRecording } from './mode.js';

// How many valueAndGrad functions are running: their gradients are computed without a graph,
// so one inside another would silently differentiate a constant.
let depth = 0;

/**
 * The functional API (JAX's and TensorFlow.js's): `valueAndGrad(f)(a, b)` returns f's scalar
 * value and its gradient with respect to every argument. Arguments are differentiated as
 * copies, so their own `grad` fields are left untouched.
 */
export function valueAndGrad<Args extends Tensor[]>(
  f: (...args: Args) => Tensor,
): (...args: Args) => { value: Tensor; grads: Tensor[] } {
  return (...args) => {
    const leaves = args.map((arg, i) => {
      if (!isFloat(arg.dtype)) {
        throw new DTypeError(messages.gradArgument('valueAndGrad', i));
      }
      const leaf = arg.detach();
      leaf.requiresGrad = true;
      return leaf;
    }) as Args;
    if (depth > 0) throw new DeeplineError(messages.higherOrder());
    depth++;
    let value: Tensor;
    try {
      value = withRecording(true, () => f(...leaves));
    } finally {
      depth--;
    }
    if (value.size !== 1) throw new ShapeError(messages.gradReturnedNonScalar('valueAndGrad', value.shape));
    const grads = value.requiresGrad ? gradients(value, leaves) : leaves.map((leaf) => zerosLike(leaf));
    return { value: value.detach(), grads };
  };
}

/** `grad(f)(a, b)` returns [df/da, df/db]. */
export function grad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...args) => vg(...args).grads;
}
