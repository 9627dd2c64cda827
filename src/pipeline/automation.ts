import { argmax, checkSameLength, EvaluationError } from './evaluation.js';
import { formatMoney } from './value.js';

/**
 * The value of automation: the model decides alone where it is confident enough to be at least
 * `precision` right, and a person handles the rest. What that saves is the manual cost of every
 * item the model takes, less what its mistakes cost.
 */
export interface AutomationSpec {
  /** The precision the automated decisions must reach (0–1]; the confidence cut is chosen for it. */
  precision: number;
  /** What a person spends on one item (money, or `unit`). */
  manualCost: number;
  /** What one wrong automated decision costs; default 0. */
  errorCost?: number;
  /** What `manualCost` is counted in, if not money: 'agent-minutes'. */
  unit?: string;
}

export interface AutomationPoint {
  /** Items whose top score is at least this are decided by the model. */
  confidence: number;
  /** Share of items the model decides. */
  coverage: number;
  /** Share of those it gets right (1 when it decides none). */
  precision: number;
}

export interface AutomationReport {
  /** What the savings are counted in: the unit, or the currency. */
  unit: string;
  /** Whether `unit` is a currency (then amounts read as money). */
  money: boolean;
  per: number;
  description: string;
  target: number;
  /** The cut chosen on the validation split (see Ranked.cutFor); the test figures are at this cut. */
  chosen: AutomationPoint;
  /** Items decided by the model per `per`, and what that saves per `per` items. */
  automated: number;
  saved: number;
  /** Coverage and precision on the test split at every distinct confidence, thinned for a chart. */
  curve: AutomationPoint[];
}

const CURVE_POINTS = 200;

/**
 * The predicted class and its score per row: `width` is 1 for a binary model's one score per row
 * (the positive class's probability, positive from `threshold` up, as the model serves it), or the
 * class count for rows of softmax outputs.
 */
function topScores(
  scores: ArrayLike<number>,
  width: number,
  threshold: number,
): { predicted: Int32Array; confidence: Float64Array } {
  const n = Math.floor(scores.length / width);
  const predicted = new Int32Array(n);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (width === 1) {
      const p = scores[i];
      predicted[i] = p >= threshold ? 1 : 0;
      confidence[i] = predicted[i] === 1 ? p : 1 - p;
      continue;
    }
    predicted[i] = argmax(scores, i, width);
    confidence[i] = scores[i * width + predicted[i]];
  }
  return { predicted, confidence };
}

/** Rows sorted by confidence, highest first, with the running count of right answers. */
class Ranked {
  readonly confidence: Float64Array;
  readonly right: Int32Array;

  constructor(scores: ArrayLike<number>, labels: ArrayLike<number>, width: number, threshold: number) {
    if (scores.length % width !== 0)
      throw new EvaluationError(
        `automationValue: ${scores.length} scores do not make rows of ${width} (one per class)`,
      );
    const { predicted, confidence } = topScores(scores, width, threshold);
    const bad = confidence.findIndex((c) => !Number.isFinite(c));
    if (bad >= 0)
      throw new EvaluationError(`automationValue: the scores of row ${bad} are not finite numbers`);
    checkSameLength('automationValue', 'predictions', predicted, 'labels', labels);
    const order = Array.from(predicted, (_, i) => i).sort((a, b) => confidence[b] - confidence[a]);
    this.confidence = Float64Array.from(order, (i) => confidence[i]);
    this.right = new Int32Array(order.length + 1);
    order.forEach((i, k) => {
      this.right[k + 1] = this.right[k] + (predicted[i] === labels[i] ? 1 : 0);
    });
  }

  /** How many rows have confidence ≥ cut. */
  taken(cut: number): number {
    let lo = 0;
    let hi = this.confidence.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.confidence[mid] >= cut) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  at(cut: number): AutomationPoint {
    const k = this.taken(cut);
    const n = this.confidence.length;
    return { confidence: cut, coverage: n === 0 ? 0 : k / n, precision: k === 0 ? 1 : this.right[k] / k };
  }

  /**
   * The lowest cut (the most items taken) whose automated set reaches `target` precision with 95%
   * confidence: the Wilson lower bound of its precision, not the precision seen, must reach it, so
   * that a cut that only just reaches the target on the validation rows does not fall short on new
   * ones. Cuts fall between distinct confidences, so tied rows are all taken or none. No such cut:
   * above every confidence, so the model decides nothing.
   */
  cutFor(target: number): number {
    let cut = Number.POSITIVE_INFINITY;
    const n = this.confidence.length;
    for (let k = 1; k <= n; k++) {
      if (k < n && this.confidence[k] === this.confidence[k - 1]) continue;
      if (wilsonLowerBound(this.right[k], k) >= target) cut = this.confidence[k - 1];
    }
    return cut;
  }
}

/** The standard normal's 95th percentile. */
const Z95 = 1.6448536269514722;

/** One-sided 95% lower bound of a proportion (Wilson score interval), `right` of `n`. */
export function wilsonLowerBound(right: number, n: number): number {
  const z2 = Z95 * Z95;
  const p = right / n;
  const centre = p + z2 / (2 * n);
  const spread = Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return (centre - spread) / (1 + z2 / n);
}

function checkSpec(spec: AutomationSpec, per: number): void {
  const op = 'automationValue';
  if (!(spec.precision > 0 && spec.precision <= 1))
    throw new EvaluationError(
      `${op}: value.automation.precision is ${spec.precision}, expected a share in (0, 1]`,
    );
  for (const [key, v] of [
    ['manualCost', spec.manualCost],
    ['errorCost', spec.errorCost ?? 0],
  ] as const)
    if (!(Number.isFinite(v) && v >= 0))
      throw new EvaluationError(`${op}: value.automation.${key} is ${v}, expected a number ≥ 0`);
  if (!(per > 0))
    throw new EvaluationError(`${op}: value.per is ${per}, expected a positive number of items`);
}

/**
 * Chooses the confidence cut on validation outputs (choosing it on the test rows would flatter
 * the figures) and states coverage, precision and savings on the test outputs at that cut.
 * `scores` are a multiclass model's rows of class probabilities, or a binary model's one score
 * per row; `width` says which (1, or the class count).
 */
export function automationValue(
  validation: { scores: ArrayLike<number>; labels: ArrayLike<number> },
  test: { scores: ArrayLike<number>; labels: ArrayLike<number> },
  options: {
    width: number;
    spec: AutomationSpec;
    per?: number;
    currency?: string;
    /** A binary model's decision threshold (default 0.5). */
    threshold?: number;
  },
): AutomationReport {
  const { spec, width } = options;
  const per = options.per ?? 1000;
  checkSpec(spec, per);
  const threshold = options.threshold ?? 0.5;
  const cut = new Ranked(validation.scores, validation.labels, width, threshold).cutFor(spec.precision);
  const ranked = new Ranked(test.scores, test.labels, width, threshold);
  const chosen = ranked.at(cut);
  const errorCost = spec.errorCost ?? 0;
  const saved = per * chosen.coverage * (spec.manualCost - (1 - chosen.precision) * errorCost);
  const unit = spec.unit ?? options.currency ?? '';
  const amount = (x: number) => formatAmount({ unit, money: spec.unit === undefined }, x);
  return {
    unit,
    money: spec.unit === undefined,
    per,
    description:
      `the model decides alone above the confidence where its precision on the validation split is at least ` +
      `${(spec.precision * 100).toFixed(1)}% with 95% confidence (Wilson bound); ` +
      `a person costs ${amount(spec.manualCost)} per item` +
      (errorCost > 0 ? `, a wrong automated decision ${amount(errorCost)}` : ''),
    target: spec.precision,
    chosen,
    automated: per * chosen.coverage,
    saved,
    curve: curveOf(ranked),
  };
}

/** One point per distinct confidence, at most CURVE_POINTS of them, evenly spaced in coverage. */
function curveOf(ranked: Ranked): AutomationPoint[] {
  const n = ranked.confidence.length;
  const points: AutomationPoint[] = [];
  const step = Math.max(1, Math.floor(n / CURVE_POINTS));
  for (let k = step; k <= n; k += step) points.push(ranked.at(ranked.confidence[k - 1]));
  if (n > 0 && points.at(-1)!.coverage < 1) points.push(ranked.at(ranked.confidence[n - 1]));
  return points;
}

/** Money in its currency ('1,234.50 EUR'), or a count of the unit ('1,234.5 agent-minutes'). */
export function formatAmount(report: Pick<AutomationReport, 'unit' | 'money'>, amount: number): string {
  return report.money
    ? formatMoney(amount, report.unit)
    : `${amount.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${report.unit}`;
}

/** One line for the run's output and the report: how much the model takes, how well, and what it saves. */
export function summarizeAutomation(report: AutomationReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const per = report.per.toLocaleString('en-US');
  return !Number.isFinite(report.chosen.confidence)
    ? `no confidence reaches ${pct(report.target)} precision on the validation split: every item goes to a person`
    : `the model decides ${pct(report.chosen.coverage)} of items alone at ${pct(report.chosen.precision)} precision ` +
        `(target ${pct(report.target)}; confidence ≥ ${report.chosen.confidence.toFixed(3)}), ` +
        `saving ${formatAmount(report, report.saved)} per ${per} items`;
}
