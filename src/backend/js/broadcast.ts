import { stridesOf } from '../storage.js';

/**
 * Walks a broadcast over `outShape` one innermost row at a time, so that kernels loop over
 * typed arrays with a per-row (not per-element) callback. Adjacent dimensions that broadcast
 * alike in every input are merged first, which makes the rows as long as possible: an
 * elementwise op on same-shape inputs is a single row.
 *
 * `row(outOffset, inOffsets, inStrides, n)` receives the start of the row in the output and in
 * each input, each input's step along the row (0 where it broadcasts), and the row length.
 * `inOffsets` is reused between calls.
 */
export function forEachRow(
  inShapes: readonly (readonly number[])[],
  outShape: readonly number[],
  row: (outOffset: number, inOffsets: number[], inStrides: number[], n: number) => void,
): void {
  const { shapes, out } = collapse(inShapes, outShape);
  const rank = out.length;
  const inputs = shapes.length;
  const strides = shapes.map((shape) => {
    const s = stridesOf(shape);
    return s.map((stride, d) => (shape[d] === 1 ? 0 : stride));
  });
  const inner = strides.map((s) => (rank === 0 ? 0 : s[rank - 1]));
  const n = rank === 0 ? 1 : out[rank - 1];
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= out[d];

  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  const offsets = new Array<number>(inputs).fill(0);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    row(o, offsets, inner, n);
    // Odometer step over the outer dimensions, updating every input's offset incrementally.
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      for (let i = 0; i < inputs; i++) offsets[i] += strides[i][d];
      if (index[d] < out[d]) break;
      for (let i = 0; i < inputs; i++) offsets[i] -= strides[i][d] * out[d];
      index[d] = 0;
    }
  }
}

function collapse(
  inShapes: readonly (readonly number[])[],
  outShape: readonly number[],
): { shapes: number[][]; out: number[] } {
  // Dimensions of size 1 in the output are dropped, so a collapsed input dimension is 1 only
  // where that input broadcasts.
  const out: number[] = [];
  const shapes: number[][] = inShapes.map(() => []);
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const last = out.length - 1;
    const mergeable = last >= 0 && inShapes.every((s, i) => (s[d] === 1) === (shapes[i][last] === 1));
    if (mergeable) {
      out[last] *= outShape[d];
      inShapes.forEach((s, i) => {
        shapes[i][last] *= s[d];
      });
    } else {
      out.push(outShape[d]);
      inShapes.forEach((s, i) => {
        shapes[i].push(s[d]);
      });
    }
  }
  return { shapes, out };
}
