import { checkBinaryLabels, checkProbabilities, checkSameLength, EvaluationError } from './evaluation.js';

/**
 * Business value of a binary decision rule: what each outcome is worth, summed over the test set
 * and stated per `per` decisions, so that a model is judged in money rather than in accuracy.
 */

export interface ValueMatrix {
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
}

interface CommonSpec {
  currency?: string;
  per?: number;
  positive?: string;
  threshold?: number | 'best';
  description?: string;
}

/** As written in the pipeline file's `value` section (after schema validation). One of the two forms. */
export type ValueSpec =
  | (CommonSpec & {
      /** The decision everyone gets without a model; default 'negative' (no action taken). */
      noModel?: 'positive' | 'negative';
      /** value of each outcome, costs negative: actual × decision */
      matrix: ValueMatrix;
    })
  | (CommonSpec & {
      /** churn retention: contacting a customer costs offerCost; a churner who is contacted stays with
       * probability acceptRate and is worth customerValue */
      retention: { customerValue: number; offerCost: number; acceptRate?: number };
    });

export interface ValuePoint {
  threshold: number;
  value: number;
}

export interface ValueReport {
  currency: string;
  per: number;
  description: string;
  matrix: ValueMatrix;
  /** value per `per` decisions at thresholds 0, 0.01, …, 1 */
  curve: ValuePoint[];
  chosen: ValuePoint;
  best: ValuePoint;
  /** 'no model' first, then the ones passed in, valued at the chosen threshold */
  baselines: { name: string; value: number }[];
}

const CURVE_STEPS = 100;

/** The retention matrix is value relative to doing nothing, so "nobody is contacted" is worth 0. */
export function retentionMatrix(retention: {
  customerValue: number;
  offerCost: number;
  acceptRate?: number;
}): ValueMatrix {
  const acceptRate = retention.acceptRate ?? 1;
  return {
    truePositive: acceptRate * retention.customerValue - retention.offerCost,
    falsePositive: -retention.offerCost,
    trueNegative: 0,
    falseNegative: 0,
  };
}

/** Money as every surface shows it: '−1,234.50 EUR' (a true minus sign), '+80.00 EUR' when signed. */
export function formatMoney(amount: number, currency: string, signed = false): string {
  const sign = amount > 0 && signed ? '+' : amount < 0 ? '−' : '';
  const digits = Math.abs(amount).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${sign}${digits}${currency ? ` ${currency}` : ''}`;
}

function describe(spec: ValueSpec, matrix: ValueMatrix, currency: string): string {
  const prefix = spec.positive ? `positive = ${spec.positive}: ` : '';
  if ('retention' in spec) {
    const accept = Number(((spec.retention.acceptRate ?? 1) * 100).toFixed(1));
    return (
      `${prefix}a retained customer is worth ${formatMoney(spec.retention.customerValue, currency)}, ` +
      `an offer costs ${formatMoney(spec.retention.offerCost, currency)}, ${accept}% accept`
    );
  }
  return (
    `${prefix}true positive ${formatMoney(matrix.truePositive, currency, true)}, ` +
    `false positive ${formatMoney(matrix.falsePositive, currency, true)}, ` +
    `true negative ${formatMoney(matrix.trueNegative, currency, true)}, ` +
    `false negative ${formatMoney(matrix.falseNegative, currency, true)}`
  );
}

function checkSpec(spec: ValueSpec, per: number): void {
  const op = 'businessValue';
  const numbers: [string, number | undefined][] =
    'retention' in spec
      ? [
          ['retention.customerValue', spec.retention.customerValue],
          ['retention.offerCost', spec.retention.offerCost],
        ]
      : Object.entries(spec.matrix).map(([key, v]) => [`matrix.${key}`, v]);
  for (const [name, v] of numbers) {
    if (!Number.isFinite(v))
      throw new EvaluationError(`${op}: value.${name} is ${v}, expected a finite number`);
  }
  const acceptRate = 'retention' in spec ? spec.retention.acceptRate : undefined;
  if (acceptRate !== undefined && !(acceptRate >= 0 && acceptRate <= 1)) {
    throw new EvaluationError(
      `${op}: value.retention.acceptRate is ${acceptRate}, expected a rate in [0, 1]`,
    );
  }
  if (!(per > 0))
    throw new EvaluationError(`${op}: value.per is ${per}, expected a positive number of decisions`);
  const t = spec.threshold;
  if (t !== undefined && t !== 'best' && !(t >= 0 && t <= 1)) {
    throw new EvaluationError(
      `${op}: value.threshold is ${JSON.stringify(t)}, expected 'best' or a number in [0, 1]`,
    );
  }
}

/**
 * Scores of each class sorted ascending, so the count of positive decisions at any threshold is
 * one binary search: the 101-point curve and every baseline cost O(log n) each after one sort.
 */
class Outcomes {
  private readonly positives: Float64Array;
  private readonly negatives: Float64Array;

  constructor(scores: ArrayLike<number>, labels: ArrayLike<number>) {
    const pos: number[] = [];
    const neg: number[] = [];
    for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? pos : neg).push(scores[i]);
    this.positives = Float64Array.from(pos).sort();
    this.negatives = Float64Array.from(neg).sort();
  }

  /** Value per decision × per when every score ≥ threshold gets the positive decision. */
  value(threshold: number, m: ValueMatrix, per: number): number {
    const tp = atLeast(this.positives, threshold);
    const fp = atLeast(this.negatives, threshold);
    const fn = this.positives.length - tp;
    const tn = this.negatives.length - fp;
    const n = this.positives.length + this.negatives.length;
    return (
      (per * (tp * m.truePositive + fp * m.falsePositive + tn * m.trueNegative + fn * m.falseNegative)) / n
    );
  }
}

function atLeast(sorted: Float64Array, threshold: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < threshold) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/**
 * Positive decision = score ≥ threshold. Value per decision averaged over the test set × per.
 * `best` is the highest point of the curve, or the chosen threshold when that is off the grid and
 * higher still, so the report never recommends a threshold worth less than the one in use. On a
 * plateau of equal values it is the middle of the first one: chosen on validation rows, a threshold
 * at a plateau's edge is one score away from a worse value on new rows.
 */
export function businessValue(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  spec: ValueSpec,
  baselines: { name: string; scores: ArrayLike<number> }[] = [],
): ValueReport {
  const op = 'businessValue';
  checkSameLength(op, 'scores', scores, 'labels', labels);
  checkProbabilities(op, 'scores', scores);
  checkBinaryLabels(op, labels);
  const per = spec.per ?? 1000;
  checkSpec(spec, per);
  for (const b of baselines) {
    checkSameLength(op, `baseline '${b.name}' scores`, b.scores, 'labels', labels);
    checkProbabilities(op, `baseline '${b.name}' scores`, b.scores);
  }

  const currency = spec.currency ?? '';
  const matrix = 'retention' in spec ? retentionMatrix(spec.retention) : { ...spec.matrix };
  const outcomes = new Outcomes(scores, labels);
  const curve = Array.from({ length: CURVE_STEPS + 1 }, (_, i) => {
    const threshold = i / CURVE_STEPS;
    return { threshold, value: outcomes.value(threshold, matrix, per) };
  });
  let first = 0;
  for (let i = 1; i < curve.length; i++) if (curve[i].value > curve[first].value) first = i;
  let last = first;
  while (last + 1 < curve.length && curve[last + 1].value === curve[first].value) last++;
  let best = curve[(first + last) >>> 1];

  let chosen = best;
  if (spec.threshold !== 'best') {
    const threshold = spec.threshold ?? 0.5;
    chosen = { threshold, value: outcomes.value(threshold, matrix, per) };
    if (chosen.value > best.value) best = chosen;
  }

  // Everyone positive is threshold 0; everyone negative is a threshold above every score.
  const noModel = 'matrix' in spec && spec.noModel === 'positive' ? 0 : Number.POSITIVE_INFINITY;
  return {
    currency,
    per,
    description: spec.description ?? describe(spec, matrix, currency),
    matrix,
    curve,
    chosen: { ...chosen },
    best: { ...best },
    baselines: [
      { name: 'no model', value: outcomes.value(noModel, matrix, per) },
      ...baselines.map((b) => ({
        name: b.name,
        value: new Outcomes(b.scores, labels).value(chosen.threshold, matrix, per),
      })),
    ],
  };
}
