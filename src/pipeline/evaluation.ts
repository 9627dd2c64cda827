import { DeeplineError } from '../tensor/errors.js';

/**
 * Evaluation summaries over plain arrays: the numbers a report and the registry's gates read
 * once a model has predicted the whole test set. Definitions follow scikit-learn's, so a number
 * here can be checked against `sklearn.metrics` on the same arrays. Sums run in float64 even
 * when the caller passes the Float32Array that `predict` returns.
 */

export type Task = 'binary' | 'multiclass' | 'regression';

export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  task: Task;
  /** binary: accuracy, precision, recall, f1, auc, pr_auc, log_loss; multiclass: accuracy, macro_f1,
   * weighted_f1, top_3_accuracy (k ≥ 4), log_loss; regression: mae, mse, rmse, r2. */
  metrics: Record<string, number>;
  classes?: string[];
  /** [actual][predicted] */
  confusion?: number[][];
  perClass?: ClassReport[];
  roc?: { points: { fpr: number; tpr: number }[]; auc: number };
  pr?: { points: { recall: number; precision: number }[]; auc: number };
}

/** Input that cannot be evaluated: lengths that differ, labels out of range, NaN or out-of-range scores. */
export class EvaluationError extends DeeplineError {
  override name = 'EvaluationError';
}

/** Keras's epsilon; sklearn clips at the dtype's eps, a difference only within 1e-7 of 0 or 1. */
export const LOG_LOSS_EPSILON = 1e-7;

/** Enough for a smooth plotted curve; thousands of points would only bloat the report and model.json. */
export const MAX_CURVE_POINTS = 201;

// --- Input checks, shared with value.ts ---------------------------------------------------

export function checkSameLength(
  op: string,
  aName: string,
  a: ArrayLike<number>,
  bName: string,
  b: ArrayLike<number>,
): void {
  if (a.length !== b.length) {
    throw new EvaluationError(
      `${op}: ${aName} has ${a.length} values but ${bName} has ${b.length}; pass one per example`,
    );
  }
  if (a.length === 0) throw new EvaluationError(`${op}: ${aName} is empty; there is nothing to evaluate`);
}

/** Probabilities must be finite and in [0, 1]; a logit passed by mistake would skew every metric silently. */
export function checkProbabilities(op: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v))
      throw new EvaluationError(`${op}: ${name}[${i}] is NaN; every score must be a number`);
    if (!(v >= 0 && v <= 1)) {
      throw new EvaluationError(
        `${op}: ${name}[${i}] is ${v}, expected a probability in [0, 1]; apply a sigmoid or softmax first`,
      );
    }
  }
}

export function checkBinaryLabels(op: string, labels: ArrayLike<number>): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new EvaluationError(`${op}: labels[${i}] is ${labels[i]}, expected 0 or 1 (a binary task)`);
    }
  }
}

function checkClassLabels(op: string, labels: ArrayLike<number>, k: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      throw new EvaluationError(
        `${op}: labels[${i}] is ${y}, expected an integer class index in 0..${k - 1}`,
      );
    }
  }
}

function checkFinite(op: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new EvaluationError(`${op}: ${name}[${i}] is ${values[i]}; every value must be a finite number`);
    }
  }
}

// --- Shared arithmetic ------------------------------------------------------------------

/** sklearn's zero_division=0: a class never predicted has precision 0, never present has recall 0. */
const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/** F1 from counts (2tp / (2tp + fp + fn)), equal to 2PR/(P+R) and 0 when tp is 0. */
const f1From = (tp: number, fp: number, fn: number): number => ratio(2 * tp, 2 * tp + fp + fn);

function perClassReport(confusion: number[][], classes: string[]): ClassReport[] {
  return classes.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((s, v) => s + v, 0);
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    return {
      label,
      precision: ratio(tp, predicted),
      recall: ratio(tp, support),
      f1: f1From(tp, predicted - tp, support - tp),
      support,
    };
  });
}

const clip = (p: number): number => Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);

/** Keeps the first and the last point, so a plotted curve still spans its whole range. */
function downsample<T>(points: T[]): T[] {
  if (points.length <= MAX_CURVE_POINTS) return points;
  const last = points.length - 1;
  return Array.from(
    { length: MAX_CURVE_POINTS },
    (_, i) => points[Math.round((i * last) / (MAX_CURVE_POINTS - 1))],
  );
}

// --- Binary ------------------------------------------------------------------------------

/**
 * ROC AUC by the rank (Mann–Whitney U) formula: the probability that a random positive scores
 * above a random negative, ties counting one half. Tied scores get their average rank, which is
 * what makes this equal to the trapezoidal area under the full ROC curve.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const averageRank = (start + end + 2) / 2; // ranks are 1-based
    for (let j = start; j <= end; j++) {
      if (labels[order[j]] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Cumulative counts at each distinct score, highest first: the operating points that a threshold
 * sweep passes through. Both curves and average precision are read off these.
 */
function operatingPoints(scores: ArrayLike<number>, labels: ArrayLike<number>): { tp: number; fp: number }[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const points: { tp: number; fp: number }[] = [];
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < order.length; j++) {
    if (labels[order[j]] === 1) tp++;
    else fp++;
    const next = order[j + 1];
    if (next === undefined || scores[next] !== scores[order[j]]) points.push({ tp, fp });
  }
  return points;
}

/** A metric as people read it: four significant digits, no trailing zeros (0.9840 → 0.984). */
export function formatMetric(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}

/** The metric names an evaluation of `task` reports, for checking gates before training. */
export function metricNames(task: Task, classes: number): string[] {
  if (task === 'binary') return ['accuracy', 'precision', 'recall', 'f1', 'auc', 'pr_auc', 'log_loss'];
  if (task === 'multiclass')
    return ['accuracy', 'macro_f1', 'weighted_f1', ...(classes >= 4 ? ['top_3_accuracy'] : []), 'log_loss'];
  return ['mae', 'mse', 'rmse', 'r2'];
}

/**
 * Evaluates P(positive) scores against 0/1 labels. A score at or above the threshold is a
 * positive prediction (the same rule businessValue uses, so the two agree at one threshold).
 * Both classes must occur in the labels: ROC AUC is undefined otherwise, as in sklearn.
 */
export function evaluateBinary(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { threshold?: number; classes?: [string, string] } = {},
): Evaluation {
  const op = 'evaluateBinary';
  checkSameLength(op, 'scores', scores, 'labels', labels);
  checkProbabilities(op, 'scores', scores);
  checkBinaryLabels(op, labels);
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new EvaluationError(`${op}: threshold is ${threshold}, expected a number in [0, 1]`);
  }
  const classes = options.classes ?? ['0', '1'];
  if (classes.length !== 2) {
    throw new EvaluationError(
      `${op}: classes has ${classes.length} names, expected 2 ([negative, positive])`,
    );
  }

  const n = labels.length;
  const confusion = [
    [0, 0],
    [0, 0],
  ];
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    confusion[y][scores[i] >= threshold ? 1 : 0]++;
    const p = clip(scores[i]);
    logLoss -= y === 1 ? Math.log(p) : Math.log(1 - p);
  }
  const positives = confusion[1][0] + confusion[1][1];
  if (positives === 0 || positives === n) {
    throw new EvaluationError(
      `${op}: every label is ${positives === 0 ? 0 : 1}; ROC AUC and precision need both classes in the test set`,
    );
  }

  const ops = operatingPoints(scores, labels);
  const negatives = n - positives;
  const rocPoints = [
    { fpr: 0, tpr: 0 },
    ...ops.map((o) => ({ fpr: o.fp / negatives, tpr: o.tp / positives })),
  ];
  // Average precision: precision at each threshold weighted by the recall it adds (no interpolation).
  let averagePrecision = 0;
  let previousRecall = 0;
  const prPoints = [{ recall: 0, precision: 1 }];
  for (const o of ops) {
    const recall = o.tp / positives;
    const precision = o.tp / (o.tp + o.fp);
    averagePrecision += (recall - previousRecall) * precision;
    previousRecall = recall;
    prPoints.push({ recall, precision });
  }
  const auc = rocAuc(scores, labels);

  const perClass = perClassReport(confusion, classes);
  return {
    task: 'binary',
    metrics: {
      accuracy: (confusion[0][0] + confusion[1][1]) / n,
      precision: perClass[1].precision,
      recall: perClass[1].recall,
      f1: perClass[1].f1,
      auc,
      pr_auc: averagePrecision,
      log_loss: logLoss / n,
    },
    classes: [...classes],
    confusion,
    perClass,
    roc: { points: downsample(rocPoints), auc },
    pr: { points: downsample(prPoints), auc: averagePrecision },
  };
}

// --- Multiclass --------------------------------------------------------------------------

/** The class of row `row` in an n×k array of probabilities: the first highest, as numpy's argmax. */
export function argmax(probs: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (probs[row * k + c] > probs[row * k + best]) best = c;
  return best;
}

function checkMulticlassInput(
  op: string,
  probs: ArrayLike<number>,
  k: number,
  labels: ArrayLike<number>,
): void {
  if (!Number.isInteger(k) || k < 2) throw new EvaluationError(`${op}: k is ${k}, expected an integer ≥ 2`);
  if (probs.length !== labels.length * k) {
    throw new EvaluationError(
      `${op}: probs has ${probs.length} values but ${labels.length} labels × ${k} classes need ${labels.length * k}`,
    );
  }
  if (labels.length === 0) throw new EvaluationError(`${op}: labels is empty; there is nothing to evaluate`);
  checkProbabilities(op, 'probs', probs);
  checkClassLabels(op, labels, k);
}

/**
 * Evaluates n×k row-major class probabilities. The prediction is the first highest class, as
 * numpy's argmax. macro_f1 averages over the classes that occur in the labels or the
 * predictions (sklearn's default), so a class absent from a small test set does not count as 0.
 * top_3_accuracy counts a hit when fewer than 3 classes score strictly higher than the true one
 * (TensorFlow's in_top_k rule for ties).
 */
export function evaluateMulticlass(
  probs: ArrayLike<number>,
  k: number,
  labels: ArrayLike<number>,
  options: { classes?: string[] } = {},
): Evaluation {
  const op = 'evaluateMulticlass';
  checkMulticlassInput(op, probs, k, labels);
  const classes = options.classes ?? Array.from({ length: k }, (_, c) => String(c));
  if (classes.length !== k) {
    throw new EvaluationError(
      `${op}: classes has ${classes.length} names but k is ${k}; pass one name per class`,
    );
  }

  const n = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let logLoss = 0;
  let top3 = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    confusion[y][argmax(probs, i, k)]++;
    const truth = probs[i * k + y];
    logLoss -= Math.log(clip(truth));
    let higher = 0;
    for (let c = 0; c < k; c++) if (probs[i * k + c] > truth) higher++;
    if (higher < 3) top3++;
  }

  const perClass = perClassReport(confusion, classes);
  let correct = 0;
  let macroSum = 0;
  let macroCount = 0;
  let weightedSum = 0;
  for (let c = 0; c < k; c++) {
    correct += confusion[c][c];
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    if (perClass[c].support > 0 || predicted > 0) {
      macroSum += perClass[c].f1;
      macroCount++;
    }
    weightedSum += perClass[c].f1 * perClass[c].support;
  }

  const metrics: Record<string, number> = {
    accuracy: correct / n,
    macro_f1: macroSum / macroCount,
    weighted_f1: weightedSum / n,
  };
  if (k >= 4) metrics.top_3_accuracy = top3 / n;
  metrics.log_loss = logLoss / n;
  return { task: 'multiclass', metrics, classes: [...classes], confusion, perClass };
}

// --- Regression --------------------------------------------------------------------------

/** r2 follows sklearn's force_finite: constant targets give 1 when predicted exactly, else 0. */
export function evaluateRegression(predictions: ArrayLike<number>, targets: ArrayLike<number>): Evaluation {
  const op = 'evaluateRegression';
  checkSameLength(op, 'predictions', predictions, 'targets', targets);
  checkFinite(op, 'predictions', predictions);
  checkFinite(op, 'targets', targets);
  const n = targets.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += targets[i];
  mean /= n;
  let absolute = 0;
  let squared = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = predictions[i] - targets[i];
    absolute += Math.abs(error);
    squared += error * error;
    total += (targets[i] - mean) ** 2;
  }
  const r2 = total === 0 ? (squared === 0 ? 1 : 0) : 1 - squared / total;
  return {
    task: 'regression',
    metrics: { mae: absolute / n, mse: squared / n, rmse: Math.sqrt(squared / n), r2 },
  };
}

// --- Mistakes ----------------------------------------------------------------------------

/**
 * Misclassified examples, most confident mistakes first (ties by index), so the report shows
 * the examples the model is most wrong about: often mislabelled data rather than model error.
 */
export function mistakes(
  probs: ArrayLike<number>,
  k: number,
  labels: ArrayLike<number>,
  limit: number,
): { index: number; actual: number; predicted: number; confidence: number }[] {
  checkMulticlassInput('mistakes', probs, k, labels);
  const found: { index: number; actual: number; predicted: number; confidence: number }[] = [];
  for (let i = 0; i < labels.length; i++) {
    const predicted = argmax(probs, i, k);
    if (predicted !== labels[i]) {
      found.push({ index: i, actual: labels[i], predicted, confidence: probs[i * k + predicted] });
    }
  }
  found.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return found.slice(0, Math.max(0, limit));
}
