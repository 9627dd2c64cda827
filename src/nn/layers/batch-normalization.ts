import { noGrad } from '../../autograd/mode.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import { reshape } from '../../ops/reshape.js';
import { mean } from '../../ops/statistics.js';
import { rsqrt, square } from '../../ops/unary.js';
import { ShapeError, ValueError } from '../../tensor/errors.js';
import { normalizeAxis } from '../../tensor/shape.js';
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

export interface BatchNormalizationConfig extends LayerConfig {
  /** The features axis, which keeps one mean and variance per entry (channels last by default). */
  axis?: number;
  /** How much of the moving statistics each training batch keeps. */
  momentum?: number;
  /** Added to the variance, so that a constant feature does not divide by zero. */
  epsilon?: number;
  /** Learn an offset beta. */
  center?: boolean;
  /** Learn a scale gamma. */
  scale?: boolean;
  betaInitializer?: InitializerId;
  gammaInitializer?: InitializerId;
  movingMeanInitializer?: InitializerId;
  movingVarianceInitializer?: InitializerId;
  betaRegularizer?: RegularizerId;
  gammaRegularizer?: RegularizerId;
}

const OPTIONS = ownOptions<BatchNormalizationConfig>({
  axis: true,
  momentum: true,
  epsilon: true,
  center: true,
  scale: true,
  betaInitializer: true,
  gammaInitializer: true,
  movingMeanInitializer: true,
  movingVarianceInitializer: true,
  betaRegularizer: true,
  gammaRegularizer: true,
});

/**
 * Normalises each feature to zero mean and unit variance, then scales by gamma and shifts by
 * beta. Training uses the batch's statistics and moves the moving mean and variance toward
 * them; inference uses the moving ones (Keras's BatchNormalization).
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly #config: BatchNormalizationConfig;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  /** Resolved at build time: the features axis, the others, and a shape that broadcasts [features]. */
  #featureAxis = -1;
  #reduceAxes: number[] = [];
  #broadcastShape: number[] = [];

  constructor(config: BatchNormalizationConfig = {}) {
    super(config, 'BatchNormalization', OPTIONS);
    this.axis = config.axis ?? -1;
    if (!Number.isInteger(this.axis)) {
      throw new ValueError(`${this.name}: axis is ${JSON.stringify(config.axis)}, expected an integer`);
    }
    this.momentum = config.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(
        `${this.name}: momentum is ${JSON.stringify(config.momentum)}, expected a number in [0, 1]`,
      );
    }
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
    const axis = shape.length >= 2 ? normalizeAxis(this.name, this.axis, shape as readonly number[]) : 0;
    const features = shape[axis];
    if (axis === 0 || features === null) {
      throw new ShapeError(
        `${this.name}: axis ${this.axis} of inputs of shape ${formatShape(shape)} must be a known, ` +
          'non-batch dimension (the features axis)',
      );
    }
    this.#featureAxis = axis;
    this.#reduceAxes = shape.flatMap((_, i) => (i === axis ? [] : [i]));
    this.#broadcastShape = shape.map((_, i) => (i === axis ? features : 1));
    const c = this.#config;
    if (this.scale) {
      this.gamma = this.addWeight('gamma', [features], c.gammaInitializer ?? 'ones', {
        regularizer: c.gammaRegularizer,
      });
    }
    if (this.center) {
      this.beta = this.addWeight('beta', [features], c.betaInitializer ?? 'zeros', {
        regularizer: c.betaRegularizer,
      });
    }
    this.movingMean = this.addWeight('movingMean', [features], c.movingMeanInitializer ?? 'zeros', {
      trainable: false,
    });
    this.movingVariance = this.addWeight(
      'movingVariance',
      [features],
      c.movingVarianceInitializer ?? 'ones',
      { trainable: false },
    );
  }

  call(inputs: Tensor | Tensor[], context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    const features = this.#broadcastShape[this.#featureAxis];
    if (x.rank !== this.#broadcastShape.length || x.shape[this.#featureAxis] !== features) {
      throw new ShapeError(
        `${this.name}: built for inputs of rank ${this.#broadcastShape.length} with ${features} features ` +
          `on axis ${this.#featureAxis}, got ${formatShape(x.shape)}`,
      );
    }
    // A frozen layer normalises with its moving statistics even while the model trains
    // (Keras 3), so that fine-tuning on top of it does not shift them.
    if (context.training && this.trainable) {
      const batchMean = mean(x, this.#reduceAxes, { keepDims: true });
      const centred = sub(x, batchMean);
      // Population variance, for normalising and for the moving average alike (as Keras 3).
      const batchVariance = mean(square(centred), this.#reduceAxes, { keepDims: true });
      this.#updateMovingStatistics(batchMean, batchVariance);
      return this.#shift(mul(centred, this.#scaleFor(batchVariance)));
    }
    const scale = this.#scaleFor(this.#param(this.movingVariance!));
    // x·scale + (beta − mean·scale): the per-feature arithmetic is done once, not per element.
    const offset = mul(this.#param(this.movingMean!), scale);
    return this.#shift(sub(mul(x, scale), offset));
  }

  /** gamma / sqrt(variance + epsilon), in the broadcast shape. */
  #scaleFor(variance: Tensor): Tensor {
    const inverse = rsqrt(add(variance, this.epsilon));
    return this.gamma ? mul(inverse, this.#param(this.gamma)) : inverse;
  }

  #shift(y: Tensor): Tensor {
    return this.beta ? add(y, this.#param(this.beta)) : y;
  }

  #param(variable: Variable): Tensor {
    return reshape(variable.value, this.#broadcastShape);
  }

  #updateMovingStatistics(batchMean: Tensor, batchVariance: Tensor): void {
    const features = [this.#broadcastShape[this.#featureAxis]];
    const momentum = this.momentum;
    noGrad(() => {
      const move = (moving: Variable, batch: Tensor) =>
        moving.assign(add(mul(moving.value, momentum), mul(reshape(batch, features), 1 - momentum)));
      move(this.movingMean!, batchMean);
      move(this.movingVariance!, batchVariance);
    });
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(this.name, inputShape);
  }

  protected layerConfig(): Record<string, unknown> {
    const c = this.#config;
    return {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeId(c.betaInitializer ?? 'zeros'),
      gammaInitializer: serializeId(c.gammaInitializer ?? 'ones'),
      movingMeanInitializer: serializeId(c.movingMeanInitializer ?? 'zeros'),
      movingVarianceInitializer: serializeId(c.movingVarianceInitializer ?? 'ones'),
      betaRegularizer: serializeId(c.betaRegularizer),
      gammaRegularizer: serializeId(c.gammaRegularizer),
    };
  }
}

export const batchNormalization = (config?: BatchNormalizationConfig): BatchNormalization =>
  new BatchNormalization(config);
