import type { Tensor } from '../tensor/tensor.js';
import { batchSize, checkOptions, denseLabels, type MetricOptions, meanPerSample } from './batch.js';
import { MeanMetricWrapper } from './mean.js';

/** Mean of |prediction − label|, per sample over its outputs, then over samples. */
export class MeanAbsoluteError extends MeanMetricWrapper {
  readonly className = 'MeanAbsoluteError';

  constructor(options: MetricOptions = {}) {
    super('MeanAbsoluteError', options, 'mean_absolute_error');
    checkOptions(this.className, options, ['name']);
  }

  protected scores(yTrue: Tensor, yPred: Tensor): Float64Array {
    const labels = denseLabels(this.name, yTrue, yPred);
    const p = yPred.values;
    return meanPerSample(batchSize(this.name, yPred), yPred.size, (k) => Math.abs(p[k] - labels[k]));
  }
}

/** Mean of (prediction − label)², per sample over its outputs, then over samples. */
export class MeanSquaredError extends MeanMetricWrapper {
  readonly className = 'MeanSquaredError';

  constructor(options: MetricOptions = {}) {
    super('MeanSquaredError', options, 'mean_squared_error');
    checkOptions(this.className, options, ['name']);
  }

  protected scores(yTrue: Tensor, yPred: Tensor): Float64Array {
    const labels = denseLabels(this.name, yTrue, yPred);
    const p = yPred.values;
    return meanPerSample(batchSize(this.name, yPred), yPred.size, (k) => (p[k] - labels[k]) ** 2);
  }
}
