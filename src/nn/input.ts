import { ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallContext, Layer, ownOptions, type Shape, SymbolicTensor } from './layer.js';

export interface InputConfig {
  /** The shape of one sample, without the batch dimension. */
  shape: readonly number[];
  name?: string;
}

/** The entry point of a functional model: it passes its tensor through. */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';
  readonly shape: readonly number[];

  constructor(config: InputConfig) {
    // Every base option is accepted, as InputLayer's getConfig writes some and Keras's others.
    super({ ...config, inputShape: config.shape }, 'InputLayer', ownOptions<InputConfig>({ shape: true }));
    if (!Array.isArray(config.shape) || config.shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ValueError(
        `input: shape is ${JSON.stringify(config.shape)}, expected an array of positive integers (one sample, no batch dimension)`,
      );
    }
    this.shape = [...config.shape];
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    return inputs as Tensor;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  protected layerConfig(): Record<string, unknown> {
    return { shape: this.shape };
  }
}

/** A symbolic input for the functional API: `const x = input({shape: [784]})`. */
export function input(config: InputConfig): SymbolicTensor {
  const layer = new InputLayer(config);
  return new SymbolicTensor([null, ...layer.shape], layer, []);
}
