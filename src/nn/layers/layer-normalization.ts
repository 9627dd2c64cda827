import { add, mul, sub } from '../../ops/arithmetic.js';
import { reshape } from '../../ops/reshape.js';
import { mean } from '../../ops/statistics.js';
import { rsqrt, square } from '../../ops/unary.js';
import { ShapeError, ValueError } from '../../tensor/errors.js';
import { normalizeAxes } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CallContext,
  formatShape,
  type InitializerId,
  Layer,
  type LayerConfig,
  ownOptions,
  type RegularizerId,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';
import { serializeId } from '../serialize.js';
import type { Variable } from '../variable.js';

export interface LayerNormalizationConfig extends LayerConfig {
  /** The axis or axes each sample is normalised over (the features, last by default). */
  axis?: number | readonly number[];
  /** Added to the variance, so that a constant sample does not divide by zero. */
  epsilon?: number;
  /** Learn an offset beta. */
  center?: boolean;
  /** Learn a scale gamma. */
  scale?: boolean;
  betaInitializer?: InitializerId;
  gammaInitializer?: InitializerId;
  betaRegularizer?: RegularizerId;
  gammaRegularizer?: RegularizerId;
}

const OPTIONS = ownOptions<LayerNormalizationConfig>({
  axis: true,
  epsilon: true,
  center: true,
  scale: true,
  betaInitializer: true,
  gammaInitializer: true,
  betaRegularizer: true,
  gammaRegularizer: true,
});

/**
 * Normalises each sample on its own to zero mean and unit variance over `axis`, then scales
 * by gamma and shifts by beta (one of each per entry of those axes). Unlike
 * BatchNormalization it keeps no statistics, so training and inference compute the same.
 */
export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly #config: LayerNormalizationConfig;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  /** Resolved at build time: the normalised axes, sorted, and a shape that broadcasts gamma. */
  #axes: number[] = [];
  #broadcastShape: number[] = [];

  constructor(config: LayerNormalizationConfig = {}) {
    super(config, 'LayerNormalization', OPTIONS);
    const axis = config.axis ?? -1;
    const axes = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(axes) || axes.length === 0 || !axes.every((a) => Number.isInteger(a))) {
      throw new ValueError(
        `${this.name}: axis is ${JSON.stringify(config.axis)}, expected an integer or a non-empty array of integers`,
      );
    }
    this.axis = typeof axis === 'number' ? axis : [...axis];
    this.epsilon = config.epsilon ?? 1e-3;
    if (!(this.epsilon > 0 && Number.isFinite(this.epsilon))) {
      throw new ValueError(
        `${this.name}: epsilon is ${JSON.stringify(config.epsilon)}, expected a small positive number`,
      );
    }
    this.center = config.center ?? true;
    this.scale = config.scale ?? true;
    this.#config = config;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(this.name, inputShape);
    const axes = normalizeAxes(this.name, this.axis, shape as readonly number[]);
    const dims = axes.map((a) => shape[a]);
    if (axes.includes(0) || dims.some((d) => d === null)) {
      throw new ShapeError(
        `${this.name}: axis ${JSON.stringify(this.axis)} of inputs of shape ${formatShape(shape)} must name ` +
          'known, non-batch dimensions; each sample is normalised on its own',
      );
    }
    this.#axes = axes;
    this.#broadcastShape = shape.map((d, i) => (axes.includes(i) ? (d as number) : 1));
    // Gamma and beta follow the normalised axes in increasing order, whatever order axis lists them.
    const paramShape = dims as number[];
    const c = this.#config;
    if (this.scale) {
      this.gamma = this.addWeight('gamma', paramShape, c.gammaInitializer ?? 'ones', {
        regularizer: c.gammaRegularizer,
      });
    }
    if (this.center) {
      this.beta = this.addWeight('beta', paramShape, c.betaInitializer ?? 'zeros', {
        regularizer: c.betaRegularizer,
      });
    }
  }

  call(inputs: Tensor | Tensor[], _context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    const fits =
      x.rank === this.#broadcastShape.length &&
      this.#axes.every((a) => x.shape[a] === this.#broadcastShape[a]);
    if (!fits) {
      throw new ShapeError(
        `${this.name}: built to normalise axes [${this.#axes.join(', ')}] of sizes ` +
          `[${this.#axes.map((a) => this.#broadcastShape[a]).join(', ')}], got inputs of shape ${formatShape(x.shape)}`,
      );
    }
    const centred = sub(x, mean(x, this.#axes, { keepDims: true }));
    const variance = mean(square(centred), this.#axes, { keepDims: true });
    let scale = rsqrt(add(variance, this.epsilon));
    if (this.gamma) scale = mul(scale, reshape(this.gamma.value, this.#broadcastShape));
    const y = mul(centred, scale);
    return this.beta ? add(y, reshape(this.beta.value, this.#broadcastShape)) : y;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(this.name, inputShape);
  }

  protected layerConfig(): Record<string, unknown> {
    const c = this.#config;
    return {
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeId(c.betaInitializer ?? 'zeros'),
      gammaInitializer: serializeId(c.gammaInitializer ?? 'ones'),
      betaRegularizer: serializeId(c.betaRegularizer),
      gammaRegularizer: serializeId(c.gammaRegularizer),
    };
  }
}

export const layerNormalization = (config?: LayerNormalizationConfig): LayerNormalization =>
  new LayerNormalization(config);
