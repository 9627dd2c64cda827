import { describe, expect, test } from 'vitest';
import {
  EvaluationError,
  evaluateBinary,
  evaluateMulticlass,
  evaluateRegression,
  MAX_CURVE_POINTS,
  mistakes,
  rocAuc,
} from '../../src/pipeline/evaluation.js';

/** A small seeded generator (mulberry32), so the random cases are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Trapezoidal area under a curve given as (x, y) points in order. */
function trapezoid(points: { x: number; y: number }[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i].x - points[i - 1].x) * (points[i].y + points[i - 1].y)) / 2;
  }
  return area;
}

describe('evaluateBinary', () => {
  // The example of sklearn's roc_auc_score / average_precision_score docs.
  const labels = [0, 0, 1, 1];
  const scores = [0.1, 0.4, 0.35, 0.8];

  test('matches sklearn on its documented example', () => {
    const e = evaluateBinary(scores, labels);
    expect(e.task).toBe('binary');
    // roc_auc_score(...) == 0.75: of the 4 positive/negative pairs, only (0.35, 0.4) is misordered.
    expect(e.metrics.auc).toBeCloseTo(0.75, 12);
    // average_precision_score(...) == 0.8333: recall steps 0.5 at precision 1 and 0.5 at precision 2/3.
    expect(e.metrics.pr_auc).toBeCloseTo(5 / 6, 12);
    // At 0.5 only 0.8 is predicted positive: confusion [[2, 0], [1, 1]].
    expect(e.confusion).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(e.metrics.accuracy).toBeCloseTo(0.75, 12);
    expect(e.metrics.precision).toBeCloseTo(1, 12);
    expect(e.metrics.recall).toBeCloseTo(0.5, 12);
    expect(e.metrics.f1).toBeCloseTo(2 / 3, 12);
    // log_loss: −(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8) / 4.
    expect(e.metrics.log_loss).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4,
      12,
    );
    expect(e.roc?.auc).toBe(e.metrics.auc);
    expect(e.pr?.auc).toBe(e.metrics.pr_auc);
    expect(e.classes).toEqual(['0', '1']);
  });

  test('per-class report and class names', () => {
    const e = evaluateBinary(scores, labels, { classes: ['ham', 'spam'] });
    expect(e.classes).toEqual(['ham', 'spam']);
    // ham: 2 of 3 predicted ham are ham (precision 2/3), both ham found (recall 1), f1 = 0.8.
    expect(e.perClass?.[0]).toEqual({ label: 'ham', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
    expect(e.perClass?.[1]).toEqual({ label: 'spam', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
  });

  test('a score equal to the threshold is a positive prediction', () => {
    const e = evaluateBinary(scores, labels, { threshold: 0.35 });
    // 0.35, 0.4 and 0.8 are positive: tp 2, fp 1.
    expect(e.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
  });

  test('no predicted positives gives precision 0 (sklearn zero_division=0)', () => {
    const e = evaluateBinary(scores, labels, { threshold: 0.9 });
    expect(e.metrics.precision).toBe(0);
    expect(e.metrics.recall).toBe(0);
    expect(e.metrics.f1).toBe(0);
  });

  test('ties: average ranks for ROC AUC, one step per distinct score for average precision', () => {
    // Positives 0.6, 0.6, 0.9 against negatives 0.2, 0.6: each tied pair counts 1/2, so 5 of 6 pairs.
    // AP: 0.9 gives recall 1/3 at precision 1; the 0.6 group adds recall 2/3 at precision 3/4 → 5/6.
    const e = evaluateBinary([0.2, 0.6, 0.6, 0.6, 0.9], [0, 1, 1, 0, 1]);
    expect(e.metrics.auc).toBeCloseTo(5 / 6, 12);
    expect(e.metrics.pr_auc).toBeCloseTo(5 / 6, 12);
    // All scores equal: a coin toss for AUC, the positive rate for AP (as sklearn).
    const flat = evaluateBinary([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]);
    expect(flat.metrics.auc).toBe(0.5);
    expect(flat.metrics.pr_auc).toBe(0.5);
  });

  test('perfect classifier → auc 1; reversed → auc 0', () => {
    const y = [0, 0, 0, 1, 1];
    const perfect = evaluateBinary([0.1, 0.2, 0.3, 0.8, 0.9], y);
    expect(perfect.metrics.auc).toBe(1);
    expect(perfect.metrics.pr_auc).toBe(1);
    expect(perfect.metrics.accuracy).toBe(1);
    const reversed = evaluateBinary([0.9, 0.8, 0.7, 0.2, 0.1], y);
    expect(reversed.metrics.auc).toBe(0);
    expect(reversed.metrics.accuracy).toBe(0);
  });

  test('rank AUC equals the brute-force pair count and the trapezoid under the ROC curve', () => {
    const random = rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 10 + Math.floor(random() * 60);
      // Scores rounded to 0.1 so that ties are common.
      const s = Array.from({ length: n }, () => Math.round(random() * 10) / 10);
      const y = Array.from({ length: n }, (_, i) => (i < 2 ? i : random() < 0.4 ? 1 : 0));
      let pairs = 0;
      let wins = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (y[i] === 1 && y[j] === 0) {
            pairs++;
            wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
          }
        }
      }
      const e = evaluateBinary(s, y);
      expect(e.metrics.auc).toBeCloseTo(wins / pairs, 12);
      expect(rocAuc(s, y)).toBeCloseTo(wins / pairs, 12);
      const points = e.roc?.points ?? [];
      expect(trapezoid(points.map((p) => ({ x: p.fpr, y: p.tpr })))).toBeCloseTo(wins / pairs, 12);
    }
  });

  test('curves are downsampled to at most 201 points, keeping both ends', () => {
    const random = rng(3);
    const n = 5000;
    const s = Float32Array.from({ length: n }, () => random());
    const y = Float32Array.from({ length: n }, (_, i) => (s[i] + random() * 0.5 > 0.75 ? 1 : 0));
    const e = evaluateBinary(s, y);
    const roc = e.roc?.points ?? [];
    const pr = e.pr?.points ?? [];
    expect(roc.length).toBe(MAX_CURVE_POINTS);
    expect(pr.length).toBe(MAX_CURVE_POINTS);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(roc[roc.length - 1]).toEqual({ fpr: 1, tpr: 1 });
    expect(pr[0]).toEqual({ recall: 0, precision: 1 });
    expect(pr[pr.length - 1].recall).toBe(1);
    for (let i = 1; i < roc.length; i++) expect(roc[i].fpr).toBeGreaterThanOrEqual(roc[i - 1].fpr);
  });

  test('bad input is named', () => {
    expect(() => evaluateBinary([0.1, 0.2], [0, 1, 1])).toThrow(/scores has 2 values but labels has 3/);
    expect(() => evaluateBinary([0.1, Number.NaN, 0.3], [0, 1, 1])).toThrow(/scores\[1\] is NaN/);
    expect(() => evaluateBinary([0.1, 2.5], [0, 1])).toThrow(/scores\[1\] is 2.5, expected a probability/);
    expect(() => evaluateBinary([0.1, 0.2], [0, 2])).toThrow(/labels\[1\] is 2, expected 0 or 1/);
    expect(() => evaluateBinary([0.1, 0.2], [1, 1])).toThrow(/every label is 1/);
    expect(() => evaluateBinary([], [])).toThrow(/scores is empty/);
    expect(() => evaluateBinary([0.1, 0.2], [0, 1], { threshold: 2 })).toThrow(/threshold is 2/);
    expect(() => evaluateBinary([0.1, 0.2], [0, 1])).not.toThrow();
    expect(() => evaluateBinary([0.1], [2])).toThrow(EvaluationError);
  });
});

describe('evaluateMulticlass', () => {
  /** One row per prediction: 0.8 on the predicted class, 0.1 on the two others. */
  const rows = (predicted: number[]) => predicted.flatMap((p) => [0, 1, 2].map((c) => (c === p ? 0.8 : 0.1)));

  test("matches sklearn's f1_score example", () => {
    // sklearn docs: y_true [0, 1, 2, 0, 1, 2], y_pred [0, 2, 1, 0, 0, 1] → macro 0.2667, weighted 0.2667.
    const e = evaluateMulticlass(rows([0, 2, 1, 0, 0, 1]), 3, [0, 1, 2, 0, 1, 2], {
      classes: ['a', 'b', 'c'],
    });
    expect(e.task).toBe('multiclass');
    expect(e.confusion).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0],
    ]);
    expect(e.metrics.accuracy).toBeCloseTo(2 / 6, 12);
    // Only class a scores: precision 2/3, recall 1, f1 0.8; averaged over 3 classes.
    expect(e.metrics.macro_f1).toBeCloseTo(0.8 / 3, 12);
    expect(e.metrics.weighted_f1).toBeCloseTo(0.8 / 3, 12);
    // The true class gets 0.8 twice and 0.1 four times: −(2 ln 0.8 + 4 ln 0.1)/6 = ln 5 (0.8² · 0.1⁴ = 5⁻⁶).
    expect(e.metrics.log_loss).toBeCloseTo(Math.log(5), 12);
    expect(e.metrics.top_3_accuracy).toBeUndefined();
    expect(e.perClass?.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    expect(e.perClass?.[0]).toEqual({ label: 'a', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
  });

  test('macro_f1 averages over classes present in labels or predictions, as sklearn', () => {
    // Class 2 never occurs: f1_score([0, 1, 1], [0, 1, 1], average='macro') is 1, not 2/3.
    const e = evaluateMulticlass(rows([0, 1, 1]), 3, [0, 1, 1]);
    expect(e.metrics.macro_f1).toBe(1);
    expect(e.classes).toEqual(['0', '1', '2']);
  });

  test('top_3_accuracy from 4 classes; ties count as in top k', () => {
    const probs = [
      [0.1, 0.2, 0.3, 0.4], // label 0: three classes above it → miss
      [0.1, 0.2, 0.3, 0.4], // label 1: two above → hit
      [0.25, 0.25, 0.25, 0.25], // label 0: none strictly above → hit (and argmax picks class 0)
      [0.4, 0.3, 0.2, 0.1], // label 3: three above → miss
    ].flat();
    const e = evaluateMulticlass(probs, 4, [0, 1, 0, 3]);
    expect(e.metrics.top_3_accuracy).toBe(0.5);
    expect(e.metrics.accuracy).toBe(0.25);
  });

  test('bad input is named', () => {
    expect(() => evaluateMulticlass([0.5, 0.5, 1], 2, [0, 1])).toThrow(
      /probs has 3 values but 2 labels × 2 classes/,
    );
    expect(() => evaluateMulticlass([0.5, 0.5, 1, 0], 2, [0, 2])).toThrow(
      /labels\[1\] is 2, expected an integer/,
    );
    expect(() => evaluateMulticlass([0.5, 0.5, Number.NaN, 0], 2, [0, 1])).toThrow(/probs\[2\] is NaN/);
    expect(() => evaluateMulticlass([0.5, 0.5], 2, [0], { classes: ['x'] })).toThrow(
      /classes has 1 names but k is 2/,
    );
    expect(() => evaluateMulticlass([1], 1, [0])).toThrow(/k is 1/);
  });
});

describe('evaluateRegression', () => {
  test("matches sklearn's documented examples", () => {
    // sklearn docs: y_true [3, -0.5, 2, 7], y_pred [2.5, 0, 2, 8] → MAE 0.5, MSE 0.375, R² 0.9486081370449679.
    const e = evaluateRegression([2.5, 0, 2, 8], [3, -0.5, 2, 7]);
    expect(e.task).toBe('regression');
    expect(e.metrics.mae).toBeCloseTo(0.5, 12);
    expect(e.metrics.mse).toBeCloseTo(0.375, 12);
    expect(e.metrics.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(e.metrics.r2).toBeCloseTo(0.9486081370449679, 12);
  });

  test('constant targets: r2 is 1 when exact, else 0 (sklearn force_finite)', () => {
    expect(evaluateRegression([2, 2], [2, 2]).metrics.r2).toBe(1);
    expect(evaluateRegression([1, 2], [2, 2]).metrics.r2).toBe(0);
  });

  test('bad input is named', () => {
    expect(() => evaluateRegression([1, 2], [1])).toThrow(/predictions has 2 values but targets has 1/);
    expect(() => evaluateRegression([1, Number.NaN], [1, 2])).toThrow(/predictions\[1\] is NaN/);
    expect(() => evaluateRegression([1, 2], [1, Number.POSITIVE_INFINITY])).toThrow(
      /targets\[1\] is Infinity/,
    );
  });
});

describe('mistakes', () => {
  const probs = [
    [0.7, 0.2, 0.1], // label 0: right
    [0.6, 0.3, 0.1], // label 2: wrong, confidence 0.6
    [0.05, 0.05, 0.9], // label 1: wrong, confidence 0.9
    [0.2, 0.6, 0.2], // label 0: wrong, confidence 0.6 (tie with row 1, later index)
  ].flat();
  const labels = [0, 2, 1, 0];

  test('most confident mistakes first, ties by index, up to the limit', () => {
    expect(mistakes(probs, 3, labels, 10)).toEqual([
      { index: 2, actual: 1, predicted: 2, confidence: 0.9 },
      { index: 1, actual: 2, predicted: 0, confidence: 0.6 },
      { index: 3, actual: 0, predicted: 1, confidence: 0.6 },
    ]);
    expect(mistakes(probs, 3, labels, 1).map((m) => m.index)).toEqual([2]);
    expect(mistakes(probs, 3, labels, 0)).toEqual([]);
  });

  test('bad input is named', () => {
    expect(() => mistakes(probs, 3, [0, 1, 5, 0], 3)).toThrow(/labels\[2\] is 5/);
  });
});
