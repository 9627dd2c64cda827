import type { Tensor } from '../tensor/tensor.js';
import { batchSize, checkOptions, type MetricOptions, metricName, sampleWeights } from './batch.js';
import type { Metric } from './metric.js';

/**
 * A weighted running mean: Σ weight·value / Σ weight over everything since `reset`, 0 before
 * any weight arrives (Keras's divide_no_nan). Sums are kept in float64, so an epoch of float32
 * batch losses averages without drift.
 */
class RunningMean {
  total = 0;
  count = 0;

  add(value: number, weight: number): void {
    this.total += weight * value;
    this.count += weight;
  }

  get value(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
  }
}

/**
 * The mean of values as they come, as Keras's `Mean`: the model averages its loss over an
 * epoch with `new Mean('loss')` and `updateValue(batchLoss, batchSize)`.
 *
 * As a Metric, `update(values, _, sampleWeight)` averages the elements of its first argument,
 * each weighted by its sample's weight (Keras's `Mean.update_state(values, sample_weight)`);
 * the second argument exists only to fit the Metric interface and is ignored.
 */
export class Mean implements Metric {
  readonly className = 'Mean';
  readonly name: string;
  readonly #mean = new RunningMean();

  constructor(name = 'mean') {
    this.name = metricName(this.className, name, 'mean');
  }

  updateValue(value: number, weight = 1): void {
    this.#mean.add(value, weight);
  }

  update(values: Tensor, _unused?: Tensor, sampleWeight?: Tensor): void {
    if (sampleWeight === undefined) {
      for (const v of values.values) this.#mean.add(v, 1);
      return;
    }
    const batch = batchSize(this.name, values);
    const weights = sampleWeights(this.name, sampleWeight, batch)!;
    const per = batch === 0 ? 0 : values.size / batch;
    for (let k = 0; k < values.size; k++) this.#mean.add(values.values[k], weights[Math.floor(k / per)]);
  }

  result(): number {
    return this.#mean.value;
  }

  reset(): void {
    this.#mean.reset();
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}

/** Builds a Mean from a config ({ name }), refusing options it does not know. */
export function meanFromConfig(config: Record<string, unknown>): Mean {
  checkOptions('Mean', config, ['name']);
  return new Mean(config.name as string | undefined);
}

/**
 * A metric that scores each sample, then averages the scores weighted by sample weight (Keras's
 * MeanMetricWrapper): accuracies and regression errors are all this, with a different score.
 */
export abstract class MeanMetricWrapper implements Metric {
  abstract readonly className: string;
  readonly name: string;
  readonly #mean = new RunningMean();

  constructor(className: string, options: MetricOptions, fallbackName: string) {
    this.name = metricName(className, options.name, fallbackName);
  }

  /** One score per sample, shape [batch]. */
  protected abstract scores(yTrue: Tensor, yPred: Tensor): Float64Array;

  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    const batch = batchSize(this.name, yPred);
    const weights = sampleWeights(this.name, sampleWeight, batch);
    const scores = this.scores(yTrue, yPred);
    for (let i = 0; i < batch; i++) this.#mean.add(scores[i], weights === null ? 1 : weights[i]);
  }

  result(): number {
    return this.#mean.value;
  }

  reset(): void {
    this.#mean.reset();
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}
