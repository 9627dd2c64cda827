import { describe, expect, test } from 'vitest';
import { businessValue, retentionMatrix, type ValueSpec } from '../../src/pipeline/value.js';

/**
 * German Credit (Statlog), with its official cost matrix. The model flags 'bad' customers, so
 * positive = bad and the positive decision is "reject": rejecting a good customer (false positive)
 * costs 1, approving a bad one (false negative) costs 5, right decisions cost nothing. Without a
 * model everyone is approved, i.e. everyone gets the negative decision.
 */
const germanCredit: ValueSpec = {
  positive: 'bad',
  matrix: { truePositive: 0, falsePositive: -1, trueNegative: 0, falseNegative: -5 },
  description: 'approving a bad customer costs 5, rejecting a good one costs 1',
};
// 3 bad customers (label 1) among 10, as in the data set's 30%.
const labels = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const scores = [0.9, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1, 0.1, 0.05, 0];

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

describe('businessValue: German Credit cost matrix', () => {
  const production = [0.6, 0.4, 0.2, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
  const report = businessValue(scores, labels, germanCredit, [{ name: 'production', scores: production }]);

  test('value per 1,000 decisions at the default threshold 0.5', () => {
    // ≥ 0.5: two bad rejected (0.9, 0.6), one good rejected (0.7), one bad approved (0.3).
    // (1 × −1 + 1 × −5) / 10 decisions × 1000 = −600.
    expect(report.chosen).toEqual({ threshold: 0.5, value: -600 });
    expect(report.per).toBe(1000);
    expect(report.currency).toBe('');
    expect(report.description).toBe('approving a bad customer costs 5, rejecting a good one costs 1');
  });

  test('baselines: no model approves everyone; production is valued at the same threshold', () => {
    // No model: the 3 bad customers are approved, 3 × −5 / 10 × 1000 = −1500.
    // Production ≥ 0.5 rejects one bad customer (0.6) and approves two: 2 × −5 / 10 × 1000 = −1000.
    expect(report.baselines).toEqual([
      { name: 'no model', value: -1500 },
      { name: 'production', value: -1000 },
    ]);
  });

  test('the best threshold rejects every bad customer and as few good ones as it can', () => {
    // Thresholds in (0.2, 0.3] reject all 3 bad and 2 good (0.7, 0.4): −2 / 10 × 1000 = −200;
    // The plateau holds the grid thresholds 0.21 … 0.30: the best is its middle, 0.25.
    expect(report.best.value).toBeCloseTo(-200, 9);
    expect(report.best.threshold).toBeCloseTo(0.25, 12);
    expect(report.best.value).toBeGreaterThanOrEqual(report.chosen.value);
  });

  test('curve: 101 thresholds; 0 equals everyone rejected, 1 equals everyone approved', () => {
    expect(report.curve).toHaveLength(101);
    expect(report.curve.map((p) => p.threshold)).toEqual(Array.from({ length: 101 }, (_, i) => i / 100));
    const allPositive = businessValue(scores, labels, { ...germanCredit, noModel: 'positive' });
    // Rejecting everyone: 7 good rejected, 7 × −1 / 10 × 1000 = −700.
    expect(allPositive.baselines[0]).toEqual({ name: 'no model', value: -700 });
    expect(report.curve[0].value).toBe(allPositive.baselines[0].value);
    expect(report.curve[100].value).toBe(report.baselines[0].value);
  });
});

describe('businessValue: retention', () => {
  const spec: ValueSpec = {
    currency: 'USD',
    retention: { customerValue: 500, offerCost: 50, acceptRate: 0.3 },
  };
  const churned = [1, 1, 0, 0, 0];
  const churnScores = [0.8, 0.3, 0.6, 0.2, 0.1];

  test('matrix: TP = acceptRate × customerValue − offerCost, FP = −offerCost, others 0', () => {
    expect(retentionMatrix(spec.retention)).toEqual({
      truePositive: 0.3 * 500 - 50,
      falsePositive: -50,
      trueNegative: 0,
      falseNegative: 0,
    });
    // acceptRate defaults to 1: every contacted churner stays.
    expect(retentionMatrix({ customerValue: 500, offerCost: 50 }).truePositive).toBe(450);
  });

  test('value, best and the nobody-contacted baseline', () => {
    const report = businessValue(churnScores, churned, spec);
    expect(report.description).toBe(
      'a retained customer is worth 500.00 USD, an offer costs 50.00 USD, 30% accept',
    );
    // ≥ 0.5 contacts one churner (0.8) and one loyal customer (0.6): (100 − 50) / 5 × 1000 = 10,000.
    expect(report.chosen.value).toBeCloseTo(10_000, 9);
    // Thresholds in (0.2, 0.3] reach both churners for one wasted offer: (200 − 50) / 5 × 1000 = 30,000;
    // the best is the middle of that plateau on the grid.
    expect(report.best.threshold).toBeCloseTo(0.25, 12);
    expect(report.best.value).toBeCloseTo(30_000, 9);
    expect(report.baselines).toEqual([{ name: 'no model', value: 0 }]);
  });

  test("threshold 'best' chooses the best point and values baselines there", () => {
    const report = businessValue(churnScores, churned, { ...spec, threshold: 'best', per: 1 }, [
      { name: 'production', scores: [0.25, 0.25, 0.25, 0.1, 0.1] },
    ]);
    expect(report.chosen).toEqual(report.best);
    expect(report.per).toBe(1);
    // Production at 0.25 contacts both churners and one loyal customer, as the candidate: 150 / 5 = 30.
    expect(report.baselines[1].value).toBeCloseTo(30, 9);
  });
});

describe('businessValue: properties', () => {
  test('best ≥ chosen, including a chosen threshold between grid points', () => {
    const matrix = { truePositive: 1, falsePositive: -1, trueNegative: 0, falseNegative: 0 };
    // At 0.503 the positive is caught and the negative is not, which no grid threshold manages.
    const offGrid = businessValue([0.505, 0.5], [1, 0], { matrix, threshold: 0.503 });
    expect(offGrid.chosen.value).toBe(500);
    expect(offGrid.best).toEqual(offGrid.chosen);

    const random = rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 50;
      const y = Array.from({ length: n }, () => (random() < 0.3 ? 1 : 0));
      const s = y.map((label) => Math.min(1, Math.max(0, label * 0.3 + random() * 0.7)));
      const spec: ValueSpec = {
        matrix: {
          truePositive: random() * 10,
          falsePositive: -random() * 10,
          trueNegative: 0,
          falseNegative: -random() * 10,
        },
        threshold: random(),
      };
      const report = businessValue(s, y, spec);
      expect(report.best.value).toBeGreaterThanOrEqual(report.chosen.value);
      for (const point of report.curve) expect(report.best.value).toBeGreaterThanOrEqual(point.value);
    }
  });

  test('generated description of a matrix', () => {
    const report = businessValue([0.9, 0.1], [1, 0], {
      currency: 'EUR',
      matrix: { truePositive: 80, falsePositive: -20, trueNegative: 0, falseNegative: -5 },
    });
    expect(report.description).toBe(
      'true positive +80.00 EUR, false positive −20.00 EUR, true negative 0.00 EUR, false negative −5.00 EUR',
    );
  });
});

describe('businessValue: bad input', () => {
  test('errors name the input', () => {
    expect(() => businessValue([0.1, 0.2, 0.3], [0, 1, 2], germanCredit)).toThrow(
      /labels\[2\] is 2, expected 0 or 1 \(a binary task\)/,
    );
    expect(() => businessValue([0.1, Number.NaN], [0, 1], germanCredit)).toThrow(/scores\[1\] is NaN/);
    expect(() => businessValue([0.1], [0, 1], germanCredit)).toThrow(/scores has 1 values but labels has 2/);
    expect(() =>
      businessValue([0.1, 0.2], [0, 1], germanCredit, [{ name: 'production', scores: [0.1] }]),
    ).toThrow(/baseline 'production' scores has 1 values/);
    expect(() =>
      businessValue([0.1, 0.2], [0, 1], { retention: { customerValue: 1, offerCost: 1, acceptRate: 1.5 } }),
    ).toThrow(/acceptRate is 1.5/);
    expect(() => businessValue([0.1, 0.2], [0, 1], { ...germanCredit, threshold: 1.2 })).toThrow(
      /value.threshold is 1.2/,
    );
    expect(() =>
      businessValue([0.1, 0.2], [0, 1], {
        matrix: { truePositive: Number.NaN, falsePositive: 0, trueNegative: 0, falseNegative: 0 },
      }),
    ).toThrow(/value.matrix.truePositive is NaN/);
  });
});
