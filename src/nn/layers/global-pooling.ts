import { max } from '../../ops/reduce.js';
import { mean } from '../../ops/statistics.js';
import { ShapeError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CallContext,
  formatShape,
  Layer,
  type LayerConfig,
  ownOptions,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';

export interface GlobalPoolingConfig extends LayerConfig {
  /** Keep the pooled axes with size 1, so (batch, h, w, c) → (batch, 1, 1, c). Keras's spelling. */
  keepdims?: boolean;
}

const LAYOUTS = { 3: '(batch, steps, features)', 4: '(batch, height, width, channels)' };
const REDUCTIONS = { mean, max };

const OPTIONS = ownOptions<GlobalPoolingConfig>({ keepdims: true });

/**
 * What the global poolings share: one reduction over every axis between the batch and the
 * channels (channels last, as Keras's default).
 */
abstract class GlobalPooling extends Layer {
  readonly keepdims: boolean;
  /** The axes pooled away: the time axis of (batch, steps, features), or height and width. */
  readonly #axes: number[];

  constructor(
    config: GlobalPoolingConfig,
    className: string,
    private readonly rank: 3 | 4,
    private readonly reduction: keyof typeof REDUCTIONS,
  ) {
    super(config, className, OPTIONS);
    this.keepdims = config.keepdims ?? false;
    this.#axes = rank === 3 ? [1] : [1, 2];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.#check(singleShape(this.name, inputShape));
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    this.#check(x.shape);
    return REDUCTIONS[this.reduction](x, this.#axes, { keepDims: this.keepdims });
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(this.name, inputShape);
    this.#check(shape);
    if (this.keepdims) return shape.map((d, i) => (this.#axes.includes(i) ? 1 : d));
    return shape.filter((_, i) => !this.#axes.includes(i));
  }

  protected layerConfig(): Record<string, unknown> {
    return { keepdims: this.keepdims };
  }

  #check(shape: Shape): void {
    if (shape.length !== this.rank) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape ${LAYOUTS[this.rank]}, got ${formatShape(shape)}`,
      );
    }
  }
}

/** The mean over the time axis: (batch, steps, features) → (batch, features), as after an Embedding. */
export class GlobalAveragePooling1D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling1D';

  constructor(config: GlobalPoolingConfig = {}) {
    super(config, 'GlobalAveragePooling1D', 3, 'mean');
  }
}

/** The largest value over the time axis: (batch, steps, features) → (batch, features). */
export class GlobalMaxPooling1D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling1D';

  constructor(config: GlobalPoolingConfig = {}) {
    super(config, 'GlobalMaxPooling1D', 3, 'max');
  }
}

/** The mean over height and width: (batch, h, w, c) → (batch, c). */
export class GlobalAveragePooling2D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling2D';

  constructor(config: GlobalPoolingConfig = {}) {
    super(config, 'GlobalAveragePooling2D', 4, 'mean');
  }
}

/** The largest value over height and width: (batch, h, w, c) → (batch, c). */
export class GlobalMaxPooling2D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling2D';

  constructor(config: GlobalPoolingConfig = {}) {
    super(config, 'GlobalMaxPooling2D', 4, 'max');
  }
}

export const globalAveragePooling1d = (config?: GlobalPoolingConfig): GlobalAveragePooling1D =>
  new GlobalAveragePooling1D(config);
export const globalMaxPooling1d = (config?: GlobalPoolingConfig): GlobalMaxPooling1D =>
  new GlobalMaxPooling1D(config);
export const globalAveragePooling2d = (config?: GlobalPoolingConfig): GlobalAveragePooling2D =>
  new GlobalAveragePooling2D(config);
export const globalMaxPooling2d = (config?: GlobalPoolingConfig): GlobalMaxPooling2D =>
  new GlobalMaxPooling2D(config);
