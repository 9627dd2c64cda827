import { sizeOf } from '../backend/storage.js';

/**
 * Every error Deepline's engine raises, in one catalog, so that messages stay consistent and
 * tests can assert against them. A message says what happened, what was expected, and how to
 * fix it where a fix is known.
 */
export class DeeplineError extends Error {
  override name = 'DeeplineError';
}

/** Shapes that an op cannot combine. */
export class ShapeError extends DeeplineError {
  override name = 'ShapeError';
}

/** An argument with a value an op does not accept (a rate, a step, a name, an index). */
export class ValueError extends DeeplineError {
  override name = 'ValueError';
}

/** A dtype an op does not accept. */
export class DTypeError extends DeeplineError {
  override name = 'DTypeError';
}

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export const messages = {
  broadcast: (op: string, a: readonly number[], b: readonly number[]) =>
    `${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together; each dimension, ` +
    'aligned from the right, must be equal or 1',
  broadcastTo: (op: string, from: readonly number[], to: readonly number[]) =>
    `${op}: shape ${fmt(from)} cannot be broadcast to ${fmt(to)}`,
  dtypeMismatch: (op: string, a: string, b: string, aShape: readonly number[], bShape: readonly number[]) => {
    // Suggest casting toward the float side: casting a float to int32 would truncate silently.
    const target = a.startsWith('float') ? a : b.startsWith('float') ? b : a;
    const other = target === a ? b : a;
    return `${op}: dtypes ${a} (shape ${fmt(aShape)}) and ${b} (shape ${fmt(bShape)}) differ; cast the ${other} one with cast(x, '${target}')`;
  },
  dtypeNotAllowed: (op: string, dtype: string, shape: readonly number[], allowed: string) =>
    `${op}: got dtype ${dtype} (shape ${fmt(shape)}), expected ${allowed}`,
  axisOutOfRange: (op: string, axis: number, rank: number, shape: readonly number[]) =>
    `${op}: axis ${axis} is out of range for rank ${rank} (shape ${fmt(shape)}); use -${rank}..${rank - 1}`,
  duplicateAxis: (op: string, axes: readonly number[]) =>
    `${op}: axis list [${axes.join(', ')}] repeats an axis`,
  reshape: (from: readonly number[], to: readonly number[]) =>
    `reshape: cannot reshape a tensor of shape ${fmt(from)} (${sizeOf(from)} elements) into ${fmt(to)}`,
  matMul: (a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean) =>
    `matMul: inner dimensions of ${fmt(a)}${transposeA ? 'ᵀ' : ''} and ${fmt(b)}${transposeB ? 'ᵀ' : ''} do not match`,
  matMulBatch: (a: readonly number[], b: readonly number[]) =>
    `matMul: batch dimensions of ${fmt(a)} and ${fmt(b)} cannot be broadcast together ` +
    '(all but the last two dimensions, aligned from the right, must be equal or 1)',
  rankAtLeast: (op: string, what: string, rank: number, shape: readonly number[]) =>
    `${op}: ${what} must have rank ≥ ${rank}, got shape ${fmt(shape)}`,
  rankExactly: (op: string, what: string, rank: number, shape: readonly number[]) =>
    `${op}: ${what} must have rank ${rank}, got shape ${fmt(shape)}`,
  invalidArgument: (op: string, argument: string, got: unknown, expected: string) =>
    `${op}: ${argument} is ${JSON.stringify(got)}, expected ${expected}`,
  indexOutOfRange: (op: string, index: number, size: number) =>
    `${op}: index ${index} is out of range for a dimension of size ${size}`,
  higherOrder: () =>
    'valueAndGrad: called inside the function of another grad or valueAndGrad; ' +
    'higher-order gradients are not supported',
  labelOutOfRange: (op: string, label: number, classes: number) =>
    `${op}: label ${label} is out of range for ${classes} classes (expected 0..${classes - 1})`,
  notScalar: (op: string, shape: readonly number[]) =>
    `${op}: expected a tensor with one element, got shape ${fmt(shape)}`,
  ragged: (path: string) => `tensor: nested array is ragged at ${path}; every row must have the same length`,
  valuesLength: (count: number, shape: readonly number[]) =>
    `tensor: ${count} values cannot fill shape ${fmt(shape)} (${sizeOf(shape)} elements)`,
  gradOfNonScalar: (shape: readonly number[]) =>
    `backward: the tensor has shape ${fmt(shape)}; pass a gradient of that shape, or reduce it to a scalar first`,
  gradShape: (expected: readonly number[], got: readonly number[]) =>
    `backward: the gradient has shape ${fmt(got)}, expected the tensor's shape ${fmt(expected)}`,
  noGradPath: () =>
    'backward: the tensor does not depend on any tensor that requires a gradient; ' +
    'set requiresGrad on a leaf tensor first',
  requiresGradOnNonFloat: (dtype: string) =>
    `requiresGrad: only float tensors can have gradients, this one is ${dtype}`,
  concatShapes: (op: string, a: readonly number[], b: readonly number[], axis: number) =>
    `${op}: shapes ${fmt(a)} and ${fmt(b)} differ outside axis ${axis}`,
  biasShape: (op: string, shape: readonly number[], channels: number) =>
    `${op}: bias has shape ${fmt(shape)}, expected [${channels}] (one per output channel)`,
  channels: (op: string, input: readonly number[], filter: readonly number[]) =>
    `${op}: input ${fmt(input)} has ${input[3]} channels but filter ${fmt(filter)} expects ${filter[2]}`,
  windowTooLarge: (op: string, span: number, input: number) =>
    `${op}: a window spanning ${span} does not fit in an input of size ${input} with padding 'valid'; ` +
    "use padding 'same' or a smaller window",
  requiresGradOnResult: () =>
    'requiresGrad: can only be set on leaf tensors; call detach() first to make a leaf from a result',
  gradReturnedNonScalar: (name: string, shape: readonly number[]) =>
    `${name}: the function must return a scalar tensor, got shape ${fmt(shape)}`,
  assignShape: (name: string, expected: readonly number[], got: readonly number[]) =>
    `assign: variable '${name}' has shape ${fmt(expected)}, got a value of shape ${fmt(got)}`,
  gradArgument: (name: string, index: number) =>
    `${name}: argument ${index} is not a float tensor; every argument is differentiated`,
};
