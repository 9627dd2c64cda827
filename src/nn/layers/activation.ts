import type { Tensor } from '../../tensor/tensor.js';
import { type ActivationName, activation as activationFunction } from '../activations.js';
import {
  type CallContext,
  Layer,
  type LayerConfig,
  ownOptions,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';

export interface ActivationConfig extends LayerConfig {
  activation: ActivationName;
}

const OPTIONS = ownOptions<ActivationConfig>({ activation: true });

/**
 * An activation function as a layer of its own. As the model's output layer, a softmax or
 * sigmoid here is left out when the loss takes logits, exactly as Dense's own activation is.
 */
export class Activation extends Layer {
  readonly className = 'Activation';
  /** Read by the model to decide whether its loss can absorb this activation. */
  readonly activation: ActivationName;
  readonly #fn: (x: Tensor) => Tensor;

  constructor(config: ActivationConfig) {
    super(config, 'Activation', OPTIONS);
    // Resolving now rejects an unknown name at construction, listing the valid ones.
    this.#fn = activationFunction(config.activation);
    this.activation = config.activation;
  }

  call(inputs: Tensor | Tensor[], context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    return context.withoutActivation ? x : this.#fn(x);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(this.name, inputShape);
  }

  protected layerConfig(): Record<string, unknown> {
    return { activation: this.activation };
  }
}

export const activation = (config: ActivationConfig): Activation => new Activation(config);
