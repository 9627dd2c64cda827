import type { ArgReduceOp, ReduceOp } from '../backend.js';
import { allocate, dtypeOf, sizeOf, type TypedArray } from '../storage.js';
import { transpose } from './movement.js';

/**
 * Reductions see their input as [outer, reduced, inner]. Axes that are not one contiguous
 * block are first moved to the end by a transpose, which keeps a single loop nest for all
 * cases at the price of a copy in the rarer ones.
 */
export function reduce(
  op: ReduceOp,
  x: TypedArray,
  shape: readonly number[],
  axes: readonly number[],
): TypedArray {
  const { values, outer, reduced, inner } = asBlock(x, shape, axes);
  const out = allocate(dtypeOf(x), outer * inner);
  // Sums accumulate in double precision so the reference result does not depend on order.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * reduced * inner;
    if (op === 'sum') acc.fill(0);
    else acc.set(values.subarray(base, base + inner));
    for (let r = op === 'sum' ? 0 : 1; r < reduced; r++) {
      const row = base + r * inner;
      if (op === 'sum') for (let i = 0; i < inner; i++) acc[i] += values[row + i];
      else if (op === 'max') for (let i = 0; i < inner; i++) acc[i] = Math.max(acc[i], values[row + i]);
      else for (let i = 0; i < inner; i++) acc[i] = Math.min(acc[i], values[row + i]);
    }
    out.set(acc, o * inner);
  }
  return out;
}

export function argReduce(
  op: ArgReduceOp,
  x: TypedArray,
  shape: readonly number[],
  axis: number,
): Int32Array {
  const { values, outer, reduced, inner } = asBlock(x, shape, [axis]);
  const out = new Int32Array(outer * inner);
  const sign = op === 'argmax' ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * reduced * inner + i;
      let best = values[base];
      let index = 0;
      for (let r = 1; r < reduced; r++) {
        const v = values[base + r * inner];
        // argmin is argmax of −x; NaN wins, as in NumPy: a NaN anywhere is the answer.
        if (sign * v > sign * best || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          index = r;
        }
      }
      out[o * inner + i] = index;
    }
  }
  return out;
}

function asBlock(
  x: TypedArray,
  shape: readonly number[],
  axes: readonly number[],
): { values: TypedArray; outer: number; reduced: number; inner: number } {
  const contiguous = axes.every((axis, i) => i === 0 || axis === axes[i - 1] + 1);
  if (contiguous && axes.length > 0) {
    const first = axes[0];
    const last = axes[axes.length - 1];
    return {
      values: x,
      outer: sizeOf(shape.slice(0, first)),
      reduced: sizeOf(shape.slice(first, last + 1)),
      inner: sizeOf(shape.slice(last + 1)),
    };
  }
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  return {
    values: transpose(x, shape, [...kept, ...axes]),
    outer: sizeOf(kept.map((d) => shape[d])),
    reduced: sizeOf(axes.map((d) => shape[d])),
    inner: 1,
  };
}
