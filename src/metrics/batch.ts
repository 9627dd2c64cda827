import { messages, ShapeError, ValueError } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

// What every metric needs from a batch: its size, its sample weights, and labels lined up with
// the predictions, each refused with the metric's name when it does not fit.

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** The metrics' error messages, in one place so tests can assert against them. */
export const metricMessages = {
  predictionRank: (metric: string, yPred: readonly number[], rank: number, what: string) =>
    `${metric}: predictions must have rank ≥ ${rank} (${what}), got shape ${fmt(yPred)}`,
  shapeMismatch: (metric: string, yTrue: readonly number[], yPred: readonly number[]) =>
    `${metric}: labels of shape ${fmt(yTrue)} do not match predictions of shape ${fmt(yPred)}; ` +
    'give one label per prediction (shapes equal, or differing only by a trailing 1)',
  sparseShape: (metric: string, yTrue: readonly number[], yPred: readonly number[]) =>
    `${metric}: labels of shape ${fmt(yTrue)} do not match predictions of shape ${fmt(yPred)}; ` +
    `expected class indices of shape ${fmt(yPred.slice(0, -1))} or ${fmt([...yPred.slice(0, -1), 1])}`,
  sampleWeight: (metric: string, weight: readonly number[], batch: number) =>
    `${metric}: sample weights of shape ${fmt(weight)} do not fit a batch of ${batch}; ` +
    `expected one weight per sample, shape [${batch}]`,
  unknownOption: (metric: string, unknown: readonly string[], known: readonly string[]) =>
    `${metric}: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; expected ` +
    (known.length > 0 ? `one of: ${known.join(', ')}` : 'no options'),
};

export interface MetricOptions {
  /** The name shown in logs and History. */
  name?: string;
}

export function checkOptions(metric: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new ValueError(metricMessages.unknownOption(metric, unknown, known));
}

export function metricName(className: string, name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValueError(messages.invalidArgument(className, 'name', name, 'a non-empty string'));
  }
  return name;
}

export function checkNumber(
  className: string,
  argument: string,
  value: unknown,
  valid: (n: number) => boolean,
  expected: string,
): number {
  if (typeof value !== 'number' || !valid(value)) {
    throw new ValueError(messages.invalidArgument(className, argument, value, expected));
  }
  return value;
}

/** The number of samples: the predictions' first dimension. */
export function batchSize(metric: string, yPred: Tensor): number {
  if (yPred.rank < 1)
    throw new ShapeError(metricMessages.predictionRank(metric, yPred.shape, 1, 'batch first'));
  return yPred.shape[0];
}

/** One weight per sample, or null for equal weights; [batch] and [batch, 1] both fit. */
export function sampleWeights(
  metric: string,
  sampleWeight: Tensor | undefined,
  batch: number,
): ArrayLike<number> | null {
  if (sampleWeight === undefined) return null;
  const { shape } = sampleWeight;
  const fits = (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) && shape[0] === batch;
  if (!fits) throw new ShapeError(metricMessages.sampleWeight(metric, shape, batch));
  return sampleWeight.values;
}

/**
 * Labels as values in the predictions' order. Shapes must be equal, or differ by a trailing 1
 * (labels [batch] for predictions [batch, 1]), as Keras's `squeeze_or_expand_to_same_rank` allows.
 */
export function denseLabels(metric: string, yTrue: Tensor, yPred: Tensor): ArrayLike<number> {
  const t = yTrue.shape;
  const p = yPred.shape;
  const fits =
    shapesEqual(t, p) ||
    (t.length === p.length - 1 && p[p.length - 1] === 1 && shapesEqual(t, p.slice(0, -1))) ||
    (t.length === p.length + 1 && t[t.length - 1] === 1 && shapesEqual(t.slice(0, -1), p));
  if (!fits) throw new ShapeError(metricMessages.shapeMismatch(metric, t, p));
  return yTrue.values;
}

/** Class indices, one per row of the predictions' last (class) axis: shape [batch] or [batch, 1]. */
export function sparseLabels(metric: string, yTrue: Tensor, yPred: Tensor): ArrayLike<number> {
  if (yPred.rank < 2) {
    throw new ShapeError(metricMessages.predictionRank(metric, yPred.shape, 2, 'batch, classes'));
  }
  const target = yPred.shape.slice(0, -1);
  const t = yTrue.shape;
  const fits =
    shapesEqual(t, target) ||
    (t.length === target.length + 1 && t[t.length - 1] === 1 && shapesEqual(t.slice(0, -1), target));
  if (!fits) throw new ShapeError(metricMessages.sparseShape(metric, t, yPred.shape));
  return yTrue.values;
}

/**
 * Per-sample means of `count` values per sample, `valueAt(k)` giving the k-th value in row-major
 * order: a metric over several outputs (multi-label, a sequence) counts each sample once.
 */
export function meanPerSample(batch: number, count: number, valueAt: (k: number) => number): Float64Array {
  const out = new Float64Array(batch);
  const per = batch === 0 ? 0 : count / batch;
  for (let i = 0; i < batch; i++) {
    let total = 0;
    for (let j = 0; j < per; j++) total += valueAt(i * per + j);
    out[i] = total / per;
  }
  return out;
}
