import type { Padding } from '../../ops/window.js';
import { ValueError } from '../../tensor/errors.js';
import type { ActivationName } from '../activations.js';
import type { InitializerId, LayerConfig, RegularizerId } from '../layer.js';
import { serializeId } from '../serialize.js';

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

/** The options of a layer with a kernel, a bias and an activation (Dense, Conv2D), as Keras names them. */
export interface KernelLayerConfig extends LayerConfig {
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId;
  biasRegularizer?: RegularizerId;
}

/** Those options' names, for the constructors of Dense and Conv2D to list with their own. */
export const KERNEL_OPTIONS = {
  activation: true,
  useBias: true,
  kernelInitializer: true,
  biasInitializer: true,
  kernelRegularizer: true,
  biasRegularizer: true,
} as const;

/** How those options are written into model.json, defaults filled in. */
export function kernelLayerConfig(c: KernelLayerConfig, activation: ActivationName, useBias: boolean) {
  return {
    activation,
    useBias,
    kernelInitializer: serializeId(c.kernelInitializer ?? 'glorotUniform'),
    biasInitializer: serializeId(c.biasInitializer ?? 'zeros'),
    kernelRegularizer: serializeId(c.kernelRegularizer),
    biasRegularizer: serializeId(c.biasRegularizer),
  };
}
