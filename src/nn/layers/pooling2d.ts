import { avgPool2d, maxPool2d } from '../../ops/pool2d.js';
import { type Padding, type Pair, pair } from '../../ops/window.js';
import { ShapeError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CallContext,
  Layer,
  type LayerConfig,
  ownOptions,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';
import { paddingOption } from './options.js';
import { windowOutput } from './window.js';

export interface Pooling2DConfig extends LayerConfig {
  /** 2×2 by default. */
  poolSize?: Pair;
  /** The pool size by default. */
  strides?: Pair | null;
  padding?: Padding;
}

const OPTIONS = ownOptions<Pooling2DConfig>({ poolSize: true, strides: true, padding: true });

/** What MaxPooling2D and AveragePooling2D share: the window and its output shape. */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(config: Pooling2DConfig, className: string) {
    super(config, className, OPTIONS);
    this.poolSize = pair(this.name, 'poolSize', config.poolSize ?? 2);
    this.strides = pair(this.name, 'strides', config.strides ?? this.poolSize);
    this.padding = paddingOption(this.name, config.padding);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(this.name, inputShape);
    if (shape.length !== 4) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape (batch, height, width, channels), got ${JSON.stringify(shape)}`,
      );
    }
    // Checks the window fits now, so that the error names this layer rather than the op.
    this.computeOutputShape(shape);
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, height, width, channels] = singleShape(this.name, inputShape);
    return [
      batch,
      windowOutput(this.name, height, this.poolSize[0], this.strides[0], this.padding),
      windowOutput(this.name, width, this.poolSize[1], this.strides[1], this.padding),
      channels,
    ];
  }

  protected layerConfig(): Record<string, unknown> {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  protected poolOptions() {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** The largest value of each window. A Conv2D right before it runs fused with it in a model. */
export class MaxPooling2D extends Pooling2D {
  readonly className = 'MaxPooling2D';

  constructor(config: Pooling2DConfig = {}) {
    super(config, 'MaxPooling2D');
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    return maxPool2d(singleInput(this.name, inputs), this.poolOptions());
  }
}

/** The mean of each window. */
export class AveragePooling2D extends Pooling2D {
  readonly className = 'AveragePooling2D';

  constructor(config: Pooling2DConfig = {}) {
    super(config, 'AveragePooling2D');
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    return avgPool2d(singleInput(this.name, inputs), this.poolOptions());
  }
}

export const maxPooling2d = (config?: Pooling2DConfig): MaxPooling2D => new MaxPooling2D(config);
export const averagePooling2d = (config?: Pooling2DConfig): AveragePooling2D => new AveragePooling2D(config);
