import { messages, ValueError } from '../tensor/errors.js';
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

export type AUCCurve = 'ROC' | 'PR';
export type AUCSummation = 'interpolation' | 'minoring' | 'majoring';

export interface AUCOptions extends MetricOptions {
  /** How many thresholds discretize [0, 1] (Keras's default: 200); more is closer to exact. */
  numThresholds?: number;
  /** 'ROC' (true- against false-positive rate) or 'PR' (precision against recall). */
  curve?: AUCCurve;
  /**
   * How the area between thresholds is summed: 'interpolation' (trapezoids for ROC, the
   * Davis–Goadrich interpolation for PR), or 'minoring' / 'majoring' (the lower / upper
   * rectangle, a bound on the area).
   */
  summationMethod?: AUCSummation;
}

/** Keras's backend epsilon: the outer thresholds sit just outside [0, 1] to catch 0 and 1 exactly. */
const EPSILON = 1e-7;

/**
 * Area under the ROC or precision–recall curve, computed as Keras computes it, so the numbers
 * agree with Keras's:
 *
 * - thresholds are [−ε, 1/(n−1), 2/(n−1), …, (n−2)/(n−1), 1+ε] for n = numThresholds;
 * - at each threshold t, an output with prediction > t counts as positive, and weighted TP, FP,
 *   TN, FN are accumulated over all batches (every output of a multi-label model is a separate
 *   decision; Keras's multiLabel option, one AUC per label, is not offered);
 * - the curve through the n points is integrated by a Riemann sum whose heights the summation
 *   method chooses. For ROC with 'interpolation' that is the trapezoidal rule, which equals the
 *   rank-based AUC when no two predictions of opposite labels share a bucket, and otherwise counts
 *   such pairs as half-right, like ties.
 *
 * Instead of n counters updated per prediction (Keras's O(n) per value), each prediction is
 * binned by how many thresholds it exceeds; counts at a threshold are suffix sums of the bins.
 * Predictions are expected to be probabilities: values outside [0, 1] land in the outer bins.
 */
export class AUC implements Metric {
  readonly className = 'AUC';
  readonly name: string;
  readonly numThresholds: number;
  readonly curve: AUCCurve;
  readonly summationMethod: AUCSummation;
  readonly #thresholds: Float64Array;
  // Weighted counts of positives and negatives by how many thresholds their prediction exceeds (0..n).
  readonly #positives: Float64Array;
  readonly #negatives: Float64Array;

  constructor(options: AUCOptions = {}) {
    checkOptions(this.className, options, ['name', 'numThresholds', 'curve', 'summationMethod']);
    this.name = metricName(this.className, options.name, 'auc');
    this.numThresholds = checkNumber(
      this.className,
      'numThresholds',
      options.numThresholds ?? 200,
      (n) => Number.isInteger(n) && n > 1,
      'an integer > 1',
    );
    this.curve = oneOf(this.className, 'curve', options.curve ?? 'ROC', ['ROC', 'PR']);
    this.summationMethod = oneOf(
      this.className,
      'summationMethod',
      options.summationMethod ?? 'interpolation',
      ['interpolation', 'minoring', 'majoring'],
    );
    const n = this.numThresholds;
    this.#thresholds = new Float64Array(n);
    for (let i = 1; i < n - 1; i++) this.#thresholds[i] = i / (n - 1);
    this.#thresholds[0] = -EPSILON;
    this.#thresholds[n - 1] = 1 + EPSILON;
    this.#positives = new Float64Array(n + 1);
    this.#negatives = new Float64Array(n + 1);
  }

  /** The thresholds, ascending. */
  get thresholds(): number[] {
    return Array.from(this.#thresholds);
  }

  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    const labels = denseLabels(this.name, yTrue, yPred);
    const batch = batchSize(this.name, yPred);
    const weights = sampleWeights(this.name, sampleWeight, batch);
    const per = batch === 0 ? 0 : yPred.size / batch;
    const p = yPred.values;
    for (let k = 0; k < yPred.size; k++) {
      const weight = weights === null ? 1 : weights[Math.floor(k / per)];
      const bin = this.#exceeded(p[k]);
      if (labels[k] !== 0) this.#positives[bin] += weight;
      else this.#negatives[bin] += weight;
    }
  }

  /** How many thresholds `value` is strictly above (0 for NaN): a binary search of the sorted list. */
  #exceeded(value: number): number {
    let lo = 0;
    let hi = this.numThresholds;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (value > this.#thresholds[mid]) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Weighted TP, FP, TN, FN at each threshold. */
  confusion(): { tp: Float64Array; fp: Float64Array; tn: Float64Array; fn: Float64Array } {
    const n = this.numThresholds;
    const tp = new Float64Array(n);
    const fp = new Float64Array(n);
    let above = 0;
    let aboveNegative = 0;
    // Threshold i is exceeded by the predictions in bins i+1..n.
    for (let i = n - 1; i >= 0; i--) {
      above += this.#positives[i + 1];
      aboveNegative += this.#negatives[i + 1];
      tp[i] = above;
      fp[i] = aboveNegative;
    }
    const totalPositive = above + this.#positives[0];
    const totalNegative = aboveNegative + this.#negatives[0];
    const tn = fp.map((v) => totalNegative - v);
    const fn = tp.map((v) => totalPositive - v);
    return { tp, fp, tn, fn };
  }

  result(): number {
    const { tp, fp, tn, fn } = this.confusion();
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') return interpolatePrAuc(tp, fp, fn);
    const n = this.numThresholds;
    const recall = tp.map((v, i) => divideNoNan(v, v + fn[i]));
    // Both x axes fall as the threshold rises: the sum runs from the right end of the curve leftward.
    const x = this.curve === 'ROC' ? fp.map((v, i) => divideNoNan(v, v + tn[i])) : recall;
    const y = this.curve === 'ROC' ? recall : tp.map((v, i) => divideNoNan(v, v + fp[i]));
    let area = 0;
    for (let i = 0; i < n - 1; i++) {
      const height =
        this.summationMethod === 'interpolation'
          ? (y[i] + y[i + 1]) / 2
          : this.summationMethod === 'minoring'
            ? Math.min(y[i], y[i + 1])
            : Math.max(y[i], y[i + 1]);
      area += (x[i] - x[i + 1]) * height;
    }
    return area;
  }

  reset(): void {
    this.#positives.fill(0);
    this.#negatives.fill(0);
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      numThresholds: this.numThresholds,
      curve: this.curve,
      summationMethod: this.summationMethod,
    };
  }
}

const divideNoNan = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * Keras's `interpolate_pr_auc` (Davis & Goadrich 2006): between two thresholds, precision is
 * interpolated along the true positives rather than linearly in recall, which a straight
 * trapezoid on the PR curve overestimates.
 */
function interpolatePrAuc(tp: Float64Array, fp: Float64Array, fn: Float64Array): number {
  let area = 0;
  for (let i = 0; i < tp.length - 1; i++) {
    const p0 = tp[i] + fp[i];
    const p1 = tp[i + 1] + fp[i + 1];
    const dtp = tp[i] - tp[i + 1];
    const slope = divideNoNan(dtp, Math.max(p0 - p1, 0));
    const intercept = tp[i + 1] - slope * p1;
    const ratio = p0 > 0 && p1 > 0 ? divideNoNan(p0, Math.max(p1, 0)) : 1;
    area += divideNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
  }
  return area;
}

function oneOf<T extends string>(
  className: string,
  argument: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    const expected = `one of ${allowed.map((a) => `'${a}'`).join(', ')}`;
    throw new ValueError(messages.invalidArgument(className, argument, value, expected));
  }
  return value as T;
}
