import { mul } from '../ops/arithmetic.js';
import { clip } from '../ops/clip.js';
import { sum } from '../ops/reduce.js';
import { square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';

// Gradient clipping as Keras applies it before an update; usable on its own in custom loops.
// A gradient already within bounds is returned as it is, which equals Keras's g·c / max(‖g‖, c).

/** The L2 norm of all the tensors taken together, as one vector. */
export function globalNorm(tensors: readonly Tensor[]): number {
  let squares = 0;
  for (const t of tensors) squares += sum(square(t)).item();
  return Math.sqrt(squares);
}

/** Rescales `g` so that its L2 norm is at most `clipNorm`. */
export function clipByNorm(g: Tensor, clipNorm: number): Tensor {
  const norm = globalNorm([g]);
  return norm > clipNorm ? mul(g, clipNorm / norm) : g;
}

/** Rescales all the gradients by one factor, so that their global norm is at most `clipNorm`. */
export function clipByGlobalNorm(grads: readonly Tensor[], clipNorm: number): Tensor[] {
  const norm = globalNorm(grads);
  return norm > clipNorm ? grads.map((g) => mul(g, clipNorm / norm)) : [...grads];
}

/** Limits each element of `g` to [-clipValue, clipValue]. */
export const clipByValue = (g: Tensor, clipValue: number): Tensor => clip(g, -clipValue, clipValue);
