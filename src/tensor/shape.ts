import { messages, ShapeError } from './errors.js';

type Shape = readonly number[];

export { sizeOf as sizeOfShape } from '../backend/storage.js';

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy broadcasting: align from the right; each pair of dimensions is equal or has a 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(messages.broadcast(op, a, b));
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** `shape` left-padded with ones to `rank`. */
export function padShape(shape: Shape, rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/** Resolves a possibly negative axis against `rank`, naming the op if it is out of range. */
export function normalizeAxis(op: string, axis: number, shape: Shape, rank = shape.length): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(messages.axisOutOfRange(op, axis, rank, shape));
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted, distinct, non-negative axes; `undefined` means every axis. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  shape: Shape,
): number[] {
  if (axes === undefined) return shape.map((_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normalizeAxis(op, a, shape));
  const sorted = [...new Set(list)].sort((x, y) => x - y);
  if (sorted.length !== list.length) throw new ShapeError(messages.duplicateAxis(op, list));
  return sorted;
}
