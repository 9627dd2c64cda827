import { messages, ValueError } from '../tensor/errors.js';
import { randomUniform } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { div, mul } from './arithmetic.js';
import { cast } from './cast.js';
import { greaterEqual } from './compare.js';

export interface DropoutOptions {
  /** A private seed; otherwise the global stream of setSeed() is used. */
  seed?: number;
}

/**
 * Zeroes each element with probability `rate` and scales the rest by 1 / (1 − rate) ("inverted
 * dropout"), so that nothing needs to change at inference time.
 */
export function dropout(x: Tensor, rate: number, options: DropoutOptions = {}): Tensor {
  if (!(rate >= 0 && rate < 1))
    throw new ValueError(messages.invalidArgument('dropout', 'rate', rate, 'a number in [0, 1)'));
  if (rate === 0) return x;
  const keep = cast(
    greaterEqual(randomUniform(x.shape, { seed: options.seed, dtype: x.dtype }), rate),
    x.dtype,
  );
  return mul(x, div(keep, 1 - rate));
}
