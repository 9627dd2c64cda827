import { matMul } from '../../ops/matmul.js';
import { ShapeError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type ActivationName, activation, withActivation } from '../activations.js';
import { type CallContext, Layer, ownOptions, type Shape, singleInput, singleShape } from '../layer.js';
import type { Variable } from '../variable.js';
import { KERNEL_OPTIONS, type KernelLayerConfig, kernelLayerConfig, positiveInteger } from './options.js';

export interface DenseConfig extends KernelLayerConfig {
  units: number;
}

const OPTIONS = ownOptions<DenseConfig>({ units: true, ...KERNEL_OPTIONS });

/** activation(x · kernel + bias) over the last axis; bias and activation run inside the GEMM. */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly #config: DenseConfig;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(config: DenseConfig) {
    super(config, 'Dense', OPTIONS);
    this.units = positiveInteger(this.name, 'units', config.units);
    this.activation = config.activation ?? 'linear';
    activation(this.activation);
    this.useBias = config.useBias ?? true;
    this.#config = config;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(this.name, inputShape);
    const inputDim = shape[shape.length - 1];
    if (shape.length < 2 || inputDim === null) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape (batch, …, features) with known features, got ${JSON.stringify(shape)}`,
      );
    }
    this.kernel = this.addWeight(
      'kernel',
      [inputDim, this.units],
      this.#config.kernelInitializer ?? 'glorotUniform',
      {
        regularizer: this.#config.kernelRegularizer,
      },
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], this.#config.biasInitializer ?? 'zeros', {
        regularizer: this.#config.biasRegularizer,
      });
    }
  }

  call(inputs: Tensor | Tensor[], context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    return withActivation(context.withoutActivation ? 'linear' : this.activation, (fused) =>
      matMul(x, this.kernel!.value, { bias: this.bias?.value, activation: fused }),
    );
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(this.name, inputShape);
    return [...shape.slice(0, -1), this.units];
  }

  protected layerConfig(): Record<string, unknown> {
    return {
      units: this.units,
      ...kernelLayerConfig(this.#config, this.activation, this.useBias),
    };
  }
}

export const dense = (config: DenseConfig): Dense => new Dense(config);
