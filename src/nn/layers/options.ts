import type { Padding } from '../../ops/window.js';
import { ValueError } from '../../tensor/errors.js';

/** A count option (units, filters, inputDim…): a whole number ≥ 1, or an error naming the layer and option. */
export function positiveInteger(layer: string, key: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(`${layer}: ${key} is ${JSON.stringify(value)}, expected a positive integer`);
  }
  return value;
}

/** A window's padding: 'valid' (the default, as in Keras) or 'same'. */
export function paddingOption(layer: string, value: Padding | undefined): Padding {
  const padding = value ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new ValueError(`${layer}: padding is ${JSON.stringify(padding)}, expected 'valid' or 'same'`);
  }
  return padding;
}
