import type { Tensor } from '../tensor/tensor.js';
import {
  batchSize,
  checkNumber,
  checkOptions,
  denseLabels,
  type MetricOptions,
  metricName,
  sampleWeights,
} from './batch.js';
import type { Metric } from './metric.js';

export interface ConfusionOptions extends MetricOptions {
  /**
   * A prediction above it counts as positive (Keras's default: 0.5). Keras also takes a list of
   * thresholds and returns one value each; here it is one number, since `result()` is one number.
   */
  thresholds?: number;
  /** Score only this class (an index on the last axis) of a multi-label output. */
  classId?: number;
}

/**
 * Weighted true-positive, false-positive and false-negative counts for binary and multi-label
 * outputs, as Keras counts them: every output is a separate yes/no decision, a label counts as
 * positive when it is non-zero, and each sample's weight applies to all its outputs.
 */
abstract class ConfusionMetric implements Metric {
  abstract readonly className: string;
  readonly name: string;
  readonly thresholds: number;
  readonly classId: number | undefined;
  protected truePositives = 0;
  protected falsePositives = 0;
  protected falseNegatives = 0;

  constructor(className: string, options: ConfusionOptions, fallbackName: string) {
    checkOptions(className, options, ['name', 'thresholds', 'classId']);
    this.name = metricName(className, options.name, fallbackName);
    this.thresholds = checkNumber(
      className,
      'thresholds',
      options.thresholds ?? 0.5,
      Number.isFinite,
      'a finite number',
    );
    this.classId =
      options.classId === undefined
        ? undefined
        : checkNumber(
            className,
            'classId',
            options.classId,
            (c) => Number.isInteger(c) && c >= 0,
            'a class index ≥ 0',
          );
  }

  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    const labels = denseLabels(this.name, yTrue, yPred);
    const batch = batchSize(this.name, yPred);
    const weights = sampleWeights(this.name, sampleWeight, batch);
    const per = batch === 0 ? 0 : yPred.size / batch;
    const last = yPred.rank > 1 ? yPred.shape[yPred.rank - 1] : 1;
    const p = yPred.values;
    for (let k = 0; k < yPred.size; k++) {
      if (this.classId !== undefined && k % last !== this.classId) continue;
      const weight = weights === null ? 1 : weights[Math.floor(k / per)];
      const positive = labels[k] !== 0;
      const predicted = p[k] > this.thresholds;
      if (positive && predicted) this.truePositives += weight;
      else if (predicted) this.falsePositives += weight;
      else if (positive) this.falseNegatives += weight;
    }
  }

  abstract result(): number;

  reset(): void {
    this.truePositives = 0;
    this.falsePositives = 0;
    this.falseNegatives = 0;
  }

  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, thresholds: this.thresholds };
    if (this.classId !== undefined) config.classId = this.classId;
    return config;
  }
}

/** TP / (TP + FP): of the outputs predicted positive, the fraction that are; 0 when none is. */
export class Precision extends ConfusionMetric {
  readonly className = 'Precision';

  constructor(options: ConfusionOptions = {}) {
    super('Precision', options, 'precision');
  }

  result(): number {
    const predicted = this.truePositives + this.falsePositives;
    return predicted === 0 ? 0 : this.truePositives / predicted;
  }
}

/** TP / (TP + FN): of the outputs labelled positive, the fraction predicted so; 0 when none is. */
export class Recall extends ConfusionMetric {
  readonly className = 'Recall';

  constructor(options: ConfusionOptions = {}) {
    super('Recall', options, 'recall');
  }

  result(): number {
    const actual = this.truePositives + this.falseNegatives;
    return actual === 0 ? 0 : this.truePositives / actual;
  }
}
