import type { Padding } from '../../ops/window.js';
import { ShapeError } from '../../tensor/errors.js';

/** The output length of a sliding window along one axis, as the conv and pooling ops compute it. */
export function windowOutput(
  name: string,
  size: number | null,
  span: number,
  stride: number,
  padding: Padding,
): number | null {
  if (size === null) return null;
  if (padding === 'same') return Math.ceil(size / stride);
  if (span > size) {
    throw new ShapeError(
      `${name}: a window spanning ${span} does not fit in an input of size ${size} with padding 'valid'; use padding 'same' or a smaller window`,
    );
  }
  return Math.floor((size - span) / stride) + 1;
}
