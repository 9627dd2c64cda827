import { ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  batchSize,
  checkNumber,
  checkOptions,
  denseLabels,
  type MetricOptions,
  meanPerSample,
  metricMessages,
  metricName,
  sparseLabels,
} from './batch.js';
import { MeanMetricWrapper } from './mean.js';
import type { Metric } from './metric.js';

export interface BinaryAccuracyOptions extends MetricOptions {
  /** Predictions above it count as 1 (Keras's default: 0.5). */
  threshold?: number;
}

export interface TopKOptions extends MetricOptions {
  /** How many of the highest-scored classes may contain the label (Keras's default: 5). */
  k?: number;
}

/**
 * The fraction of outputs where (prediction > threshold) equals the label, per sample; a
 * multi-label output scores the fraction of its labels right. Labels are compared exactly with
 * 0 and 1, as Keras does.
 */
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly className = 'BinaryAccuracy';
  readonly threshold: number;

  constructor(options: BinaryAccuracyOptions = {}) {
    super('BinaryAccuracy', options, 'binary_accuracy');
    checkOptions(this.className, options, ['name', 'threshold']);
    this.threshold = checkNumber(
      this.className,
      'threshold',
      options.threshold ?? 0.5,
      Number.isFinite,
      'a finite number',
    );
  }

  protected scores(yTrue: Tensor, yPred: Tensor): Float64Array {
    const labels = denseLabels(this.name, yTrue, yPred);
    const p = yPred.values;
    const predicted = (k: number) => (p[k] > this.threshold ? 1 : 0);
    return meanPerSample(batchSize(this.name, yPred), yPred.size, (k) =>
      labels[k] === predicted(k) ? 1 : 0,
    );
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, threshold: this.threshold };
  }
}

/** Whether the highest-scored class is the label's (one-hot labels); the first wins ties. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  readonly className = 'CategoricalAccuracy';

  constructor(options: MetricOptions = {}) {
    super('CategoricalAccuracy', options, 'categorical_accuracy');
    checkOptions(this.className, options, ['name']);
  }

  protected scores(yTrue: Tensor, yPred: Tensor): Float64Array {
    const classes = classAxis(this.name, yPred);
    const labels = denseLabels(this.name, yTrue, yPred);
    const rows = yPred.size / classes;
    return meanPerSample(batchSize(this.name, yPred), rows, (r) =>
      argmax(labels, r, classes) === argmax(yPred.values, r, classes) ? 1 : 0,
    );
  }
}

/** Whether the highest-scored class is the label, given as a class index; the first wins ties. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  readonly className = 'SparseCategoricalAccuracy';

  constructor(options: MetricOptions = {}) {
    super('SparseCategoricalAccuracy', options, 'sparse_categorical_accuracy');
    checkOptions(this.className, options, ['name']);
  }

  protected scores(yTrue: Tensor, yPred: Tensor): Float64Array {
    const classes = classAxis(this.name, yPred);
    const labels = sparseLabels(this.name, yTrue, yPred);
    return meanPerSample(batchSize(this.name, yPred), labels.length, (r) =>
      labels[r] === argmax(yPred.values, r, classes) ? 1 : 0,
    );
  }
}

/** Top-k accuracy with one-hot labels or with class indices: `targets` gives each row's class. */
abstract class TopK extends MeanMetricWrapper {
  readonly k: number;

  constructor(className: string, options: TopKOptions, fallbackName: string) {
    super(className, options, fallbackName);
    checkOptions(className, options, ['name', 'k']);
    this.k = checkNumber(
      className,
      'k',
      options.k ?? 5,
      (k) => Number.isInteger(k) && k >= 1,
      'a positive integer',
    );
  }

  /** The label's class for each row of the predictions' class axis. */
  protected abstract targets(yTrue: Tensor, yPred: Tensor, classes: number): (row: number) => number;

  protected scores(yTrue: Tensor, yPred: Tensor): Float64Array {
    const classes = classAxis(this.name, yPred);
    const target = this.targets(yTrue, yPred, classes);
    return meanPerSample(batchSize(this.name, yPred), yPred.size / classes, (r) =>
      inTopK(yPred.values, r, classes, target(r), this.k) ? 1 : 0,
    );
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, k: this.k };
  }
}

/** Whether the label's class is among the k highest-scored (one-hot labels). */
export class TopKCategoricalAccuracy extends TopK {
  readonly className = 'TopKCategoricalAccuracy';

  constructor(options: TopKOptions = {}) {
    super('TopKCategoricalAccuracy', options, 'top_k_categorical_accuracy');
  }

  protected targets(yTrue: Tensor, yPred: Tensor, classes: number): (row: number) => number {
    const labels = denseLabels(this.name, yTrue, yPred);
    return (r) => argmax(labels, r, classes);
  }
}

/** Whether the label, given as a class index, is among the k highest-scored classes. */
export class SparseTopKCategoricalAccuracy extends TopK {
  readonly className = 'SparseTopKCategoricalAccuracy';

  constructor(options: TopKOptions = {}) {
    super('SparseTopKCategoricalAccuracy', options, 'sparse_top_k_categorical_accuracy');
  }

  protected targets(yTrue: Tensor, yPred: Tensor): (row: number) => number {
    const labels = sparseLabels(this.name, yTrue, yPred);
    return (r) => labels[r];
  }
}

/**
 * 'accuracy' when the loss does not say which accuracy is meant: chosen from the shapes of the
 * first batch, by Keras's rule (one output unit → binary; labels with one dimension fewer, or a
 * trailing 1 against several classes → sparse; otherwise categorical), then kept.
 */
export class InferredAccuracy implements Metric {
  readonly className = 'InferredAccuracy';
  readonly name: string;
  #chosen: Metric | null = null;

  constructor(options: MetricOptions = {}) {
    checkOptions(this.className, options, ['name']);
    this.name = metricName(this.className, options.name, 'accuracy');
  }

  /** The accuracy chosen at the first update, or null before it. */
  get chosen(): Metric | null {
    return this.#chosen;
  }

  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    this.#chosen ??= accuracyForShapes(this.name, yTrue.shape, yPred.shape);
    this.#chosen.update(yTrue, yPred, sampleWeight);
  }

  result(): number {
    return this.#chosen?.result() ?? 0;
  }

  reset(): void {
    this.#chosen?.reset();
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}

function accuracyForShapes(name: string, yTrue: readonly number[], yPred: readonly number[]): Metric {
  const predLast = yPred[yPred.length - 1] ?? 1;
  const trueLast = yTrue[yTrue.length - 1] ?? 1;
  if (yPred.length <= 1 || predLast === 1) return new BinaryAccuracy({ name });
  if (yTrue.length < yPred.length || (trueLast === 1 && predLast > 1))
    return new SparseCategoricalAccuracy({ name });
  return new CategoricalAccuracy({ name });
}

function classAxis(metric: string, yPred: Tensor): number {
  if (yPred.rank < 2) {
    throw new ShapeError(metricMessages.predictionRank(metric, yPred.shape, 2, 'batch, classes'));
  }
  return yPred.shape[yPred.rank - 1];
}

function argmax(values: ArrayLike<number>, row: number, classes: number): number {
  const start = row * classes;
  let best = 0;
  for (let c = 1; c < classes; c++) if (values[start + c] > values[start + best]) best = c;
  return best;
}

/**
 * TensorFlow's in_top_k: the target is in the top k when fewer than k classes score strictly
 * higher, so classes tied at the boundary all count as in; a non-finite target score never does.
 */
function inTopK(values: ArrayLike<number>, row: number, classes: number, target: number, k: number): boolean {
  if (!Number.isInteger(target) || target < 0 || target >= classes) return false;
  const start = row * classes;
  const score = values[start + target];
  if (!Number.isFinite(score)) return false;
  let higher = 0;
  for (let c = 0; c < classes; c++) if (values[start + c] > score) higher++;
  return higher < k;
}
