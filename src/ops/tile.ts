import { messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastTo } from './broadcast.js';
import { reshape } from './reshape.js';

/** Repeats `x` reps[i] times along dimension i: a broadcast over interleaved unit dimensions. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  if (reps.length !== x.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new ShapeError(messages.invalidArgument('tile', 'reps', reps, `${x.rank} non-negative integers`));
  }
  // (d0, d1) -> (1, d0, 1, d1) -> (r0, d0, r1, d1) -> (r0·d0, r1·d1)
  const spread = reshape(
    x,
    x.shape.flatMap((d) => [1, d]),
  );
  const repeated = broadcastTo(
    spread,
    x.shape.flatMap((d, i) => [reps[i], d]),
  );
  return reshape(
    repeated,
    x.shape.map((d, i) => d * reps[i]),
  );
}
