import type { Tensor } from '../tensor/tensor.js';
import { maximum, minimum } from './arithmetic.js';

/** Limits values to [min, max]; the gradient is zero where a bound is active. */
export const clip = (x: Tensor, min: number, max: number): Tensor => minimum(maximum(x, min), max);
