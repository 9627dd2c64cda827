import { add, div, mul, sub } from '../ops/arithmetic.js';
import { cast } from '../ops/cast.js';
import { clip } from '../ops/clip.js';
import { sigmoidCrossEntropy, softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from '../ops/cross-entropy.js';
import { oneHot } from '../ops/one-hot.js';
import { expectDtype } from '../ops/operand.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { mean } from '../ops/statistics.js';
import { abs, log, neg, square } from '../ops/unary.js';
import { messages, ShapeError, ValueError } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Loss } from './loss.js';
import { checkOptions, resolve, type Serialized } from './serialize.js';

/** Keras's backend epsilon: probabilities are clipped to [EPSILON, 1 − EPSILON] before their log. */
export const EPSILON = 1e-7;

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** The losses' error messages, in one place so tests can assert against them. */
export const lossMessages = {
  shapeMismatch: (loss: string, yTrue: readonly number[], yPred: readonly number[]) =>
    `${loss}: labels of shape ${fmt(yTrue)} do not match predictions of shape ${fmt(yPred)}; ` +
    'give one label per prediction (shapes equal, or differing only by a trailing 1)',
  sparseShape: (loss: string, yTrue: readonly number[], yPred: readonly number[]) =>
    `${loss}: labels of shape ${fmt(yTrue)} do not match predictions of shape ${fmt(yPred)}; ` +
    `expected class indices of shape ${fmt(yPred.slice(0, -1))} or ${fmt([...yPred.slice(0, -1), 1])} ` +
    '(use categoricalCrossentropy for one-hot labels)',
  predictionRank: (loss: string, yPred: readonly number[], rank: number, what: string) =>
    `${loss}: predictions must have rank ≥ ${rank} (${what}), got shape ${fmt(yPred)}`,
  sparseLabel: (loss: string, label: number, classes: number) =>
    `${loss}: label ${label} is not a class index for ${classes} classes (expected an integer in 0..${classes - 1})`,
  noLogits: (loss: string) =>
    `${loss}: this loss does not take logits; withLogits() applies only to cross-entropies`,
};

export interface HuberOptions {
  /** Where the loss turns from quadratic to linear (Keras's default: 1). */
  delta?: number;
}

export interface BinaryCrossentropyOptions {
  /** Predictions are logits (the output before its sigmoid), not probabilities. */
  fromLogits?: boolean;
  /** Labels are pulled toward 0.5: y · (1 − s) + 0.5 · s. */
  labelSmoothing?: number;
}

export interface CategoricalCrossentropyOptions {
  /** Predictions are logits (the output before its softmax), not probabilities. */
  fromLogits?: boolean;
  /** Labels are pulled toward uniform: y · (1 − s) + s / classes. */
  labelSmoothing?: number;
}

export interface SparseCategoricalCrossentropyOptions {
  fromLogits?: boolean;
}

/**
 * Labels aligned with predictions as Keras's `squeeze_or_expand_to_same_rank` does: a trailing
 * dimension of 1 on either side is dropped or added, so labels [batch] fit predictions [batch, 1].
 * Anything else that differs is a mistake and is refused rather than broadcast.
 */
function aligned(loss: string, yTrue: Tensor, yPred: Tensor): Tensor {
  expectDtype(loss, yPred, 'float');
  let labels = yTrue;
  const t = yTrue.shape;
  const p = yPred.shape;
  if (t.length === p.length - 1 && p[p.length - 1] === 1 && shapesEqual(t, p.slice(0, -1))) {
    labels = reshape(yTrue, p);
  } else if (t.length === p.length + 1 && t[t.length - 1] === 1 && shapesEqual(t.slice(0, -1), p)) {
    labels = reshape(yTrue, p);
  }
  if (!shapesEqual(labels.shape, p)) throw new ShapeError(lossMessages.shapeMismatch(loss, t, p));
  if (p.length === 0) throw new ShapeError(lossMessages.predictionRank(loss, p, 1, 'batch first'));
  // Labels are data: no gradient flows to them, whatever tensor they came from.
  return cast(labels, yPred.dtype).detach();
}

/** Mean over every axis but the batch: one value per sample. */
function perSample(x: Tensor): Tensor {
  if (x.rank <= 1) return x;
  return mean(
    x,
    x.shape.slice(1).map((_, i) => i + 1),
  );
}

/**
 * Class indices as int32 of the predictions' shape without the class axis. Floats are accepted
 * (labels often arrive as float32 from a data pipeline) provided they hold whole numbers.
 */
function sparseLabels(loss: string, yTrue: Tensor, yPred: Tensor): Tensor {
  expectDtype(loss, yPred, 'float');
  if (yPred.rank < 2)
    throw new ShapeError(lossMessages.predictionRank(loss, yPred.shape, 2, 'batch, classes'));
  const target = yPred.shape.slice(0, -1);
  const t = yTrue.shape;
  const fits =
    shapesEqual(t, target) ||
    (t.length === target.length + 1 && t[t.length - 1] === 1 && shapesEqual(t.slice(0, -1), target));
  if (!fits) throw new ShapeError(lossMessages.sparseShape(loss, t, yPred.shape));
  const classes = yPred.shape[yPred.rank - 1];
  for (const label of yTrue.values) {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new ValueError(lossMessages.sparseLabel(loss, label, classes));
    }
  }
  return reshape(cast(yTrue, 'int32'), target).detach();
}

function smoothing(loss: string, value: unknown): number {
  const s = value ?? 0;
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) {
    throw new ValueError(messages.invalidArgument(loss, 'labelSmoothing', s, 'a number in [0, 1]'));
  }
  return s;
}

function flag(loss: string, argument: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new ValueError(messages.invalidArgument(loss, argument, value, 'true or false'));
  }
  return value;
}

/** log of probabilities kept away from 0 and 1, so a confident wrong answer costs ~16, not ∞. */
const safeLog = (p: Tensor): Tensor => log(clip(p, EPSILON, 1 - EPSILON));

// --- Regression -----------------------------------------------------------------------------

abstract class RegressionLoss implements Loss {
  abstract readonly name: string;
  abstract readonly className: string;
  readonly fromLogits = false;
  readonly logitsOf = null;

  getConfig(): Record<string, unknown> {
    return {};
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return perSample(this.elementwise(sub(yPred, aligned(this.name, yTrue, yPred))));
  }

  /** The loss of each element from its error (prediction − label). */
  protected abstract elementwise(error: Tensor): Tensor;

  withLogits(): Loss {
    throw new ValueError(lossMessages.noLogits(this.name));
  }
}

export class MeanSquaredError extends RegressionLoss {
  readonly name = 'mean_squared_error';
  readonly className = 'MeanSquaredError';

  protected elementwise(error: Tensor): Tensor {
    return square(error);
  }
}

export class MeanAbsoluteError extends RegressionLoss {
  readonly name = 'mean_absolute_error';
  readonly className = 'MeanAbsoluteError';

  protected elementwise(error: Tensor): Tensor {
    return abs(error);
  }
}

/** Squared error near zero, absolute error beyond `delta`: robust to outliers, smooth at 0. */
export class Huber extends RegressionLoss {
  readonly name = 'huber_loss';
  readonly className = 'Huber';
  readonly delta: number;

  constructor(options: HuberOptions = {}) {
    super();
    checkOptions(this.className, options, ['delta']);
    const delta = options.delta ?? 1;
    if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
      throw new ValueError(messages.invalidArgument(this.className, 'delta', delta, 'a positive number'));
    }
    this.delta = delta;
  }

  override getConfig(): Record<string, unknown> {
    return { delta: this.delta };
  }

  // 0.5·min(|e|, δ)² + δ·(|e| − min(|e|, δ)): the quadratic and linear pieces meet with equal slope.
  protected elementwise(error: Tensor): Tensor {
    const size = abs(error);
    const quadratic = clip(size, 0, this.delta);
    return add(mul(square(quadratic), 0.5), mul(sub(size, quadratic), this.delta));
  }
}

// --- Cross-entropies ------------------------------------------------------------------------

export class BinaryCrossentropy implements Loss {
  readonly name = 'binary_crossentropy';
  readonly className = 'BinaryCrossentropy';
  readonly logitsOf = 'sigmoid';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor(options: BinaryCrossentropyOptions = {}) {
    checkOptions(this.className, options, ['fromLogits', 'labelSmoothing']);
    this.fromLogits = flag(this.className, 'fromLogits', options.fromLogits);
    this.labelSmoothing = smoothing(this.className, options.labelSmoothing);
  }

  getConfig(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }

  /** Elementwise over every output (one unit, or several independent labels), averaged per sample. */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    let z = aligned(this.name, yTrue, yPred);
    if (this.labelSmoothing > 0) z = add(mul(z, 1 - this.labelSmoothing), 0.5 * this.labelSmoothing);
    if (this.fromLogits) return perSample(sigmoidCrossEntropy(z, yPred));
    // −(z·log p + (1 − z)·log(1 − p)), from p clipped as Keras clips it.
    const p = clip(yPred, EPSILON, 1 - EPSILON);
    return perSample(neg(add(mul(z, log(p)), mul(sub(1, z), log(sub(1, p))))));
  }

  withLogits(): Loss {
    return new BinaryCrossentropy({ fromLogits: true, labelSmoothing: this.labelSmoothing });
  }
}

export class CategoricalCrossentropy implements Loss {
  readonly name = 'categorical_crossentropy';
  readonly className = 'CategoricalCrossentropy';
  readonly logitsOf = 'softmax';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor(options: CategoricalCrossentropyOptions = {}) {
    checkOptions(this.className, options, ['fromLogits', 'labelSmoothing']);
    this.fromLogits = flag(this.className, 'fromLogits', options.fromLogits);
    this.labelSmoothing = smoothing(this.className, options.labelSmoothing);
  }

  getConfig(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }

  /** Over the last (class) axis; further non-batch axes (a sequence) are averaged per sample. */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    if (yPred.rank < 2) {
      throw new ShapeError(lossMessages.predictionRank(this.name, yPred.shape, 2, 'batch, classes'));
    }
    let z = aligned(this.name, yTrue, yPred);
    if (this.labelSmoothing > 0) {
      const classes = yPred.shape[yPred.rank - 1];
      z = add(mul(z, 1 - this.labelSmoothing), this.labelSmoothing / classes);
    }
    return perSample(categorical(z, yPred, this.fromLogits));
  }

  withLogits(): Loss {
    return new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: this.labelSmoothing });
  }
}

/**
 * −Σ z·log p over the last axis. From probabilities, Keras first rescales each row to sum to 1
 * (an output that is not quite a distribution still gives a proper cross-entropy), then clips.
 */
function categorical(z: Tensor, yPred: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return softmaxCrossEntropy(z, yPred);
  const p = div(yPred, sum(yPred, -1, { keepDims: true }));
  return neg(sum(mul(z, safeLog(p)), -1));
}

export class SparseCategoricalCrossentropy implements Loss {
  readonly name = 'sparse_categorical_crossentropy';
  readonly className = 'SparseCategoricalCrossentropy';
  readonly logitsOf = 'softmax';
  readonly fromLogits: boolean;

  constructor(options: SparseCategoricalCrossentropyOptions = {}) {
    checkOptions(this.className, options, ['fromLogits']);
    this.fromLogits = flag(this.className, 'fromLogits', options.fromLogits);
  }

  getConfig(): Record<string, unknown> {
    return { fromLogits: this.fromLogits };
  }

  /** Labels are class indices (int32 or whole floats) of shape [batch] or [batch, 1]. */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const labels = sparseLabels(this.name, yTrue, yPred);
    if (this.fromLogits) return perSample(sparseSoftmaxCrossEntropy(labels, yPred));
    const z = cast(oneHot(labels, yPred.shape[yPred.rank - 1]), yPred.dtype);
    return perSample(categorical(z, yPred, false));
  }

  withLogits(): Loss {
    return new SparseCategoricalCrossentropy({ fromLogits: true });
  }
}

// --- Factories and lookup -------------------------------------------------------------------

export const meanSquaredError = (): Loss => new MeanSquaredError();
export const meanAbsoluteError = (): Loss => new MeanAbsoluteError();
export const huber = (options?: HuberOptions): Loss => new Huber(options);
export const binaryCrossentropy = (options?: BinaryCrossentropyOptions): Loss =>
  new BinaryCrossentropy(options);
export const categoricalCrossentropy = (options?: CategoricalCrossentropyOptions): Loss =>
  new CategoricalCrossentropy(options);
export const sparseCategoricalCrossentropy = (options?: SparseCategoricalCrossentropyOptions): Loss =>
  new SparseCategoricalCrossentropy(options);

type Factory = (config: Record<string, unknown>) => Loss;

const noOptions =
  (className: string, make: () => Loss): Factory =>
  (config) => {
    checkOptions(className, config, []);
    return make();
  };

const mse = noOptions('MeanSquaredError', meanSquaredError);
const mae = noOptions('MeanAbsoluteError', meanAbsoluteError);
const huberFactory: Factory = (config) => huber(config);
const bce: Factory = (config) => binaryCrossentropy(config);
const cce: Factory = (config) => categoricalCrossentropy(config);
const scce: Factory = (config) => sparseCategoricalCrossentropy(config);

// Every spelling a user may reach for: Keras's snake_case function names and aliases, the class
// names Serialized configs carry, and this library's camelCase factory names.
const factories: Record<string, Factory> = {
  mean_squared_error: mse,
  meanSquaredError: mse,
  MeanSquaredError: mse,
  mse,
  MSE: mse,
  mean_absolute_error: mae,
  meanAbsoluteError: mae,
  MeanAbsoluteError: mae,
  mae,
  MAE: mae,
  huber: huberFactory,
  huber_loss: huberFactory,
  Huber: huberFactory,
  binary_crossentropy: bce,
  binaryCrossentropy: bce,
  BinaryCrossentropy: bce,
  bce,
  BCE: bce,
  categorical_crossentropy: cce,
  categoricalCrossentropy: cce,
  CategoricalCrossentropy: cce,
  sparse_categorical_crossentropy: scce,
  sparseCategoricalCrossentropy: scce,
  SparseCategoricalCrossentropy: scce,
};

/**
 * A loss from what a user may pass to `compile`: a name ('mse', 'sparse_categorical_crossentropy',
 * 'sparseCategoricalCrossentropy'), a Loss object (returned as is), or a Serialized
 * `{ className, config }` as written by `serialize(loss)`.
 */
export function loss(id: string | Loss | Serialized): Loss {
  return resolve('loss', factories, id);
}
