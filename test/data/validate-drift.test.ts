import { describe, expect, test } from 'vitest';
import {
  kolmogorovSurvival,
  ksCriticalValue,
  ksTest,
  populationStabilityIndex,
} from '../../src/data/drift.js';
import { seededRandom } from '../../src/data/sketch.js';

const counts = (entries: Record<string, number>) =>
  Object.entries(entries).map(([value, count]) => ({ value, count }));

describe('population stability index', () => {
  test('matches a hand computation, with epsilon for a value new in the actual data', () => {
    // expected 50/30/20/0 %, actual 40/30/20/10 %:
    // (0.4 − 0.5)·ln(0.4/0.5) + 0 + 0 + (0.1 − 1e-4)·ln(0.1/1e-4) = 0.0223144 + 0.6900847
    const { psi, bins } = populationStabilityIndex(
      counts({ a: 50, b: 30, c: 20 }),
      counts({ a: 40, b: 30, c: 20, d: 10 }),
    );
    expect(psi).toBeCloseTo(0.7123991075017365, 12);
    expect(bins.map((b) => b.value)).toEqual(['a', 'b', 'c', 'd']);
    expect(bins[0].contribution).toBeCloseTo(0.1 * Math.log(1.25), 12);
    expect(bins[3]).toMatchObject({ expected: 1e-4, actual: 0.1 });
  });

  test('is symmetric in form and zero for equal proportions', () => {
    expect(populationStabilityIndex(counts({ a: 5, b: 15 }), counts({ a: 50, b: 150 })).psi).toBe(0);
    const ab = populationStabilityIndex(counts({ a: 1, b: 3 }), counts({ a: 3, b: 1 })).psi;
    // 2 · (0.75 − 0.25) · ln 3
    expect(ab).toBeCloseTo(Math.log(3), 12);
  });

  test('the epsilon is configurable', () => {
    const e = counts({ a: 10 });
    const a = counts({ a: 9, b: 1 });
    const small = populationStabilityIndex(e, a, 1e-6).psi;
    const large = populationStabilityIndex(e, a, 1e-2).psi;
    expect(small).toBeCloseTo(-0.1 * Math.log(0.9) + (0.1 - 1e-6) * Math.log(0.1 / 1e-6), 12);
    expect(large).toBeCloseTo(-0.1 * Math.log(0.9) + (0.1 - 1e-2) * Math.log(0.1 / 1e-2), 12);
  });
});

describe('Kolmogorov–Smirnov', () => {
  test('statistic and asymptotic p-value match a hand computation', () => {
    // ECDFs differ most at x = 5: 5/5 vs 3/6; λ = √(5·6/11) · 0.5, Q(λ) summed to convergence.
    const result = ksTest([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8]);
    expect(result.statistic).toBeCloseTo(0.5, 15);
    expect(result.pValue).toBeCloseTo(0.5029140336411321, 12);
    expect(result).toMatchObject({ n1: 5, n2: 6 });
  });

  test('ties step both CDFs together', () => {
    expect(ksTest([1, 1, 2], [1, 2, 2]).statistic).toBeCloseTo(1 / 3, 15);
    expect(ksTest([1, 2, 3], [1, 2, 3])).toMatchObject({ statistic: 0, pValue: 1 });
    expect(ksTest([], [1])).toMatchObject({ statistic: 0, pValue: 1 });
  });

  test('the Kolmogorov distribution at its tabulated points', () => {
    expect(kolmogorovSurvival(1.2238)).toBeCloseTo(0.1, 3);
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 4);
    expect(kolmogorovSurvival(0.5)).toBeCloseTo(0.9639452436648751, 12);
    expect(kolmogorovSurvival(0.1)).toBe(1);
    expect(kolmogorovSurvival(0)).toBe(1);
    // The two series agree where one hands over to the other.
    expect(kolmogorovSurvival(1.18 - 1e-9)).toBeCloseTo(kolmogorovSurvival(1.18), 8);
  });

  test('the critical value is where the p-value crosses alpha', () => {
    const d = ksCriticalValue(400, 600, 0.05);
    expect(d).toBeCloseTo(1.3581 * Math.sqrt(1_000 / 240_000), 4);
    expect(kolmogorovSurvival(Math.sqrt(240_000 / 1_000) * d)).toBeCloseTo(0.05, 3);
  });

  test('same distribution passes, a 0.2σ shift does not', () => {
    const random = seededRandom(21);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const sample = (shift: number) => Float64Array.from({ length: 2_000 }, () => normal() + shift).sort();
    const a = sample(0);
    expect(ksTest(a, sample(0)).pValue).toBeGreaterThan(0.05);
    expect(ksTest(a, sample(0.2)).pValue).toBeLessThan(1e-3);
  });
});
