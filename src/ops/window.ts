import { messages, ShapeError, ValueError } from '../tensor/errors.js';

export type Padding = 'valid' | 'same';

/** A size given once for both spatial dimensions, or as [height, width]. */
export type Pair = number | readonly [number, number];

export function pair(op: string, name: string, value: Pair): [number, number] {
  const [h, w] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new ValueError(messages.invalidArgument(op, name, value, 'a positive integer or a pair of them'));
  }
  return [h, w];
}

/**
 * Output length and leading padding of a sliding window along one dimension, as TensorFlow
 * defines them: 'valid' uses only full windows; 'same' gives ceil(input / stride) outputs and
 * splits the padding with the extra element, if any, after.
 */
export function windowGeometry(
  op: string,
  padding: Padding,
  input: number,
  window: number,
  stride: number,
  dilation = 1,
): { out: number; padBefore: number } {
  const span = (window - 1) * dilation + 1;
  if (padding === 'same') {
    const out = Math.ceil(input / stride);
    const total = Math.max((out - 1) * stride + span - input, 0);
    return { out, padBefore: Math.floor(total / 2) };
  }
  if (padding !== 'valid') {
    throw new ValueError(messages.invalidArgument(op, 'padding', padding, "'valid' or 'same'"));
  }
  if (input < span) {
    throw new ShapeError(messages.windowTooLarge(op, span, input));
  }
  return { out: Math.floor((input - span) / stride) + 1, padBefore: 0 };
}
