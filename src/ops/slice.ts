import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { pad } from './pad.js';

/**
 * The box starting at `begin` with extent `size` (-1: to the end). Missing trailing entries
 * take the whole dimension.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const start = x.shape.map((_, i) => begin[i] ?? 0);
  const extent = x.shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    return s === -1 ? d - start[i] : s;
  });
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(start[i]) || start[i] < 0 || extent[i] < 0 || start[i] + extent[i] > d) {
      throw new ShapeError(
        messages.invalidArgument(
          'slice',
          `begin ${JSON.stringify(begin)} and size ${JSON.stringify(size ?? [])}`,
          x.shape,
          'a box inside the shape',
        ),
      );
    }
  });
  if (extent.every((e, i) => e === x.shape[i])) return x;
  const values = backend().slice(x.values, x.shape, start, extent);
  return result('slice', values, extent, x.dtype, [x], (dy) => [
    pad(
      dy,
      x.shape.map((d, i) => [start[i], d - start[i] - extent[i]] as const),
    ),
  ]);
}

/** Splits along `axis` into `parts` equal pieces, or into pieces of the listed sizes. */
export function split(x: Tensor, parts: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis('split', axis, x.shape);
  const dim = x.shape[a];
  let sizes: number[];
  if (typeof parts === 'number') {
    if (!Number.isInteger(parts) || parts <= 0 || dim % parts !== 0) {
      throw new ShapeError(
        messages.invalidArgument('split', 'parts', parts, `a divisor of dimension ${a} (${dim})`),
      );
    }
    sizes = new Array<number>(parts).fill(dim / parts);
  } else {
    sizes = [...parts];
    if (sizes.reduce((s, n) => s + n, 0) !== dim) {
      throw new ShapeError(messages.invalidArgument('split', 'sizes', parts, `sizes that add up to ${dim}`));
    }
  }
  let offset = 0;
  return sizes.map((n) => {
    const begin = x.shape.map((_, i) => (i === a ? offset : 0));
    const size = x.shape.map((d, i) => (i === a ? n : d));
    offset += n;
    return slice(x, begin, size);
  });
}
