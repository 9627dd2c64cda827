import { allocate, dtypeOf, sizeOf, stridesOf, type TypedArray } from '../storage.js';
import { forEachRow } from './broadcast.js';

export function transpose(x: TypedArray, shape: readonly number[], perm: readonly number[]): TypedArray {
  const rank = shape.length;
  const out = allocate(dtypeOf(x), x.length);
  if (rank === 0 || x.length === 0) {
    out.set(x);
    return out;
  }
  const outShape = perm.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  // The input stride that each output dimension walks along.
  const step = perm.map((p) => inStrides[p]);
  const n = outShape[rank - 1];
  const s = step[rank - 1];
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o += n) {
    for (let i = 0; i < n; i++) out[o + i] = x[src + i * s];
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      src += step[d];
      if (index[d] < outShape[d]) break;
      src -= step[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}

export function broadcastTo(
  x: TypedArray,
  shape: readonly number[],
  outShape: readonly number[],
): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(outShape));
  forEachRow([shape], outShape, (o, [xi], [sx], n) => {
    for (let i = 0; i < n; i++) out[o + i] = x[xi + i * sx];
  });
  return out;
}

export function slice(
  x: TypedArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): TypedArray {
  const out = allocate(dtypeOf(x), sizeOf(size));
  copyBlock(x, shape, begin, out, size, zerosLike(size), size);
  return out;
}

export function pad(
  x: TypedArray,
  shape: readonly number[],
  paddings: readonly (readonly [number, number])[],
  value: number,
): TypedArray {
  const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = allocate(dtypeOf(x), sizeOf(outShape));
  if (value !== 0) out.fill(value);
  copyBlock(
    x,
    shape,
    zerosLike(shape),
    out,
    outShape,
    paddings.map(([before]) => before),
    shape,
  );
  return out;
}

export function concat(
  xs: readonly TypedArray[],
  shapes: readonly (readonly number[])[],
  axis: number,
): TypedArray {
  const outShape = [...shapes[0]];
  outShape[axis] = shapes.reduce((total, s) => total + s[axis], 0);
  const out = allocate(dtypeOf(xs[0]), sizeOf(outShape));
  const at = zerosLike(outShape);
  xs.forEach((x, i) => {
    copyBlock(x, shapes[i], zerosLike(shapes[i]), out, outShape, at, shapes[i]);
    at[axis] += shapes[i][axis];
  });
  return out;
}

export function gather(
  x: TypedArray,
  shape: readonly number[],
  indices: Int32Array,
  axis: number,
): TypedArray {
  const outer = sizeOf(shape.slice(0, axis));
  const dim = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const out = allocate(dtypeOf(x), outer * indices.length * inner);
  // A subarray per row costs an object: for short rows (pixels gathered by affineTransform,
  // a few channels each) copying by hand is several times faster.
  const short = inner < 16;
  for (let o = 0, dst = 0; o < outer; o++) {
    for (let j = 0; j < indices.length; j++, dst += inner) {
      const src = (o * dim + indices[j]) * inner;
      if (short) for (let i = 0; i < inner; i++) out[dst + i] = x[src + i];
      else out.set(x.subarray(src, src + inner), dst);
    }
  }
  return out;
}

export function scatterAdd(
  updates: TypedArray,
  indices: Int32Array,
  outShape: readonly number[],
  axis: number,
): TypedArray {
  const outer = sizeOf(outShape.slice(0, axis));
  const dim = outShape[axis];
  const inner = sizeOf(outShape.slice(axis + 1));
  const out = allocate(dtypeOf(updates), sizeOf(outShape));
  for (let o = 0, src = 0; o < outer; o++) {
    for (let j = 0; j < indices.length; j++, src += inner) {
      const dst = (o * dim + indices[j]) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += updates[src + i];
    }
  }
  return out;
}

export function oneHot(indices: Int32Array, depth: number, onValue: number, offValue: number): Float32Array {
  const out = new Float32Array(indices.length * depth);
  if (offValue !== 0) out.fill(offValue);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (k >= 0 && k < depth) out[i * depth + k] = onValue;
  }
  return out;
}

/** Copies a box of shape `size` from `src` (starting at `srcAt`) into `dst` (at `dstAt`). */
function copyBlock(
  src: TypedArray,
  srcShape: readonly number[],
  srcAt: readonly number[],
  dst: TypedArray,
  dstShape: readonly number[],
  dstAt: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (sizeOf(size) === 0) return;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const srcStrides = stridesOf(srcShape);
  const dstStrides = stridesOf(dstShape);
  let s = 0;
  let d = 0;
  for (let k = 0; k < rank; k++) {
    s += srcAt[k] * srcStrides[k];
    d += dstAt[k] * dstStrides[k];
  }
  const n = size[rank - 1];
  const rows = sizeOf(size) / n;
  const index = new Array<number>(rank).fill(0);
  for (let r = 0; r < rows; r++) {
    dst.set(src.subarray(s, s + n), d);
    for (let k = rank - 2; k >= 0; k--) {
      index[k]++;
      s += srcStrides[k];
      d += dstStrides[k];
      if (index[k] < size[k]) break;
      s -= srcStrides[k] * size[k];
      d -= dstStrides[k] * size[k];
      index[k] = 0;
    }
  }
}

function zerosLike(shape: readonly number[]): number[] {
  return new Array<number>(shape.length).fill(0);
}
