import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** Permutes dimensions: output dimension i is input dimension perm[i]; reverses them by default. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const valid = p.length === x.rank && [...p].sort((a, b) => a - b).every((d, i) => d === i);
  if (!valid) {
    throw new ShapeError(
      messages.invalidArgument('transpose', 'perm', p, `a permutation of 0..${x.rank - 1}`),
    );
  }
  if (p.every((d, i) => d === i)) return x;
  const shape = p.map((d) => x.shape[d]);
  const inverse = new Array<number>(p.length);
  p.forEach((d, i) => {
    inverse[d] = i;
  });
  return result('transpose', backend().transpose(x.values, x.shape, p), shape, x.dtype, [x], (dy) => [
    transpose(dy, inverse),
  ]);
}

/** Alias of transpose with an explicit order, as in PyTorch. */
export const permute = (x: Tensor, perm: readonly number[]): Tensor => transpose(x, perm);
