import { conv2d as conv2dOp } from '../../ops/conv2d.js';
import { type Padding, type Pair, pair } from '../../ops/window.js';
import { ShapeError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type ActivationName, activation, withActivation } from '../activations.js';
import { type CallContext, Layer, ownOptions, type Shape, singleInput, singleShape } from '../layer.js';
import type { Variable } from '../variable.js';
import {
  KERNEL_OPTIONS,
  type KernelLayerConfig,
  kernelLayerConfig,
  paddingOption,
  positiveInteger,
} from './options.js';
import { windowOutput } from './window.js';

export interface Conv2DConfig extends KernelLayerConfig {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: Padding;
  dilationRate?: Pair;
}

const OPTIONS = ownOptions<Conv2DConfig>({
  filters: true,
  kernelSize: true,
  strides: true,
  padding: true,
  dilationRate: true,
  ...KERNEL_OPTIONS,
});

/** 2-D convolution over NHWC inputs (channels last, as Keras's default). */
export class Conv2D extends Layer {
  readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly #config: Conv2DConfig;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(config: Conv2DConfig) {
    super(config, 'Conv2D', OPTIONS);
    this.filters = positiveInteger(this.name, 'filters', config.filters);
    this.kernelSize = pair(this.name, 'kernelSize', config.kernelSize);
    this.strides = pair(this.name, 'strides', config.strides ?? 1);
    this.dilationRate = pair(this.name, 'dilationRate', config.dilationRate ?? 1);
    this.padding = paddingOption(this.name, config.padding);
    this.activation = config.activation ?? 'linear';
    activation(this.activation);
    this.useBias = config.useBias ?? true;
    this.#config = config;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(this.name, inputShape);
    const channels = shape[3];
    if (shape.length !== 4 || channels === null) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape (batch, height, width, channels), got ${JSON.stringify(shape)}`,
      );
    }
    // Checks the window fits now, so that the error names this layer rather than the op.
    this.computeOutputShape(shape);
    const c = this.#config;
    this.kernel = this.addWeight(
      'kernel',
      [...this.kernelSize, channels, this.filters],
      c.kernelInitializer ?? 'glorotUniform',
      {
        regularizer: c.kernelRegularizer,
      },
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], c.biasInitializer ?? 'zeros', {
        regularizer: c.biasRegularizer,
      });
    }
  }

  call(inputs: Tensor | Tensor[], context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    return withActivation(context.withoutActivation ? 'linear' : this.activation, (fused) =>
      conv2dOp(x, this.kernel!.value, {
        strides: this.strides,
        padding: this.padding,
        dilations: this.dilationRate,
        bias: this.bias?.value,
        activation: fused,
      }),
    );
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, height, width] = singleShape(this.name, inputShape);
    const span = (k: number, d: number) => (k - 1) * d + 1;
    return [
      batch,
      windowOutput(
        this.name,
        height,
        span(this.kernelSize[0], this.dilationRate[0]),
        this.strides[0],
        this.padding,
      ),
      windowOutput(
        this.name,
        width,
        span(this.kernelSize[1], this.dilationRate[1]),
        this.strides[1],
        this.padding,
      ),
      this.filters,
    ];
  }

  protected layerConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      ...kernelLayerConfig(this.#config, this.activation, this.useBias),
    };
  }
}

export const conv2d = (config: Conv2DConfig): Conv2D => new Conv2D(config);
