import type { ValueCount } from './sketch.js';

/**
 * Proportions of exactly zero make the PSI term infinite. A bin empty on one side counts as
 * holding this proportion instead (a common choice, e.g. 1e-4 in credit-scoring practice); the
 * other proportions are left as they are rather than renormalised, so the value matches a hand
 * computation.
 */
export const PSI_EPSILON = 1e-4;

export interface PsiBin {
  value: string;
  expected: number;
  actual: number;
  contribution: number;
}

/**
 * Population stability index between two categorical distributions given as counts:
 * Σ (actual − expected) · ln(actual / expected) over the union of values, with proportions of
 * each side's total. Values seen on one side only take `epsilon` on the other. Rule of thumb:
 * < 0.1 stable, 0.1–0.2 some shift, > 0.2 a significant shift.
 */
export function populationStabilityIndex(
  expected: readonly ValueCount[],
  actual: readonly ValueCount[],
  epsilon = PSI_EPSILON,
): { psi: number; bins: PsiBin[] } {
  const share = (counts: readonly ValueCount[]) => {
    const total = counts.reduce((s, c) => s + c.count, 0);
    return new Map(counts.map((c) => [c.value, total === 0 ? 0 : c.count / total]));
  };
  const e = share(expected);
  const a = share(actual);
  const values = [...new Set([...e.keys(), ...a.keys()])];
  const bins = values.map((value) => {
    const pe = Math.max(e.get(value) ?? 0, epsilon);
    const pa = Math.max(a.get(value) ?? 0, epsilon);
    return { value, expected: pe, actual: pa, contribution: (pa - pe) * Math.log(pa / pe) };
  });
  return { psi: bins.reduce((s, b) => s + b.contribution, 0), bins };
}

export interface KsResult {
  /** The largest distance between the two empirical CDFs. */
  statistic: number;
  /** P(D ≥ statistic) under "same distribution", from the asymptotic Kolmogorov distribution. */
  pValue: number;
  n1: number;
  n2: number;
}

/**
 * The two-sample Kolmogorov–Smirnov test on sorted samples. The p-value is the asymptotic one,
 * Q(√(n₁n₂/(n₁+n₂)) · D) with Q the Kolmogorov survival function (R's `ks.test(exact = FALSE)`
 * before 4.3; scipy rounds n₁n₂/(n₁+n₂) and uses the finite-n distribution, so it differs for
 * small samples). It is accurate for effective sizes above ~100, which is what drift checks see.
 * Ties are handled by stepping both CDFs past equal values together.
 */
export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1, n1, n2 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const x = Math.min(a[i], b[j]);
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  const en = (n1 * n2) / (n1 + n2);
  return { statistic: d, pValue: kolmogorovSurvival(Math.sqrt(en) * d), n1, n2 };
}

/**
 * Q(λ) = P(K > λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}. That series converges slowly for small λ,
 * where the equivalent theta-function form 1 − (√(2π)/λ) Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)} is used.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const c = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let k = 1; k < 100; k++) {
      const term = Math.exp(-(2 * k - 1) * (2 * k - 1) * c);
      sum += term;
      if (term < 1e-17) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  let sum = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** The D above which the KS test rejects "same distribution" at level alpha (asymptotic). */
export function ksCriticalValue(n1: number, n2: number, alpha = 0.05): number {
  return Math.sqrt(-0.5 * Math.log(alpha / 2)) * Math.sqrt((n1 + n2) / (n1 * n2));
}
