import { tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import { AUC } from '../../src/metrics/index.js';

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

/**
 * The exact ROC AUC: the weighted fraction of (positive, negative) pairs ranked right, ties
 * counting half (the Mann–Whitney statistic).
 */
function exactRocAuc(labels: number[], scores: number[], weights: number[]): number {
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      const w = weights[i] * weights[j];
      pairs += w;
      if (scores[i] > scores[j]) right += w;
      else if (scores[i] === scores[j]) right += w / 2;
    }
  }
  return right / pairs;
}

function randomCase(seed: number, n: number, separation: number) {
  const random = rng(seed);
  const labels = Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
  // A noisy score that leans toward the label, squashed into (0, 1).
  const scores = labels.map((y) => 1 / (1 + Math.exp(-(separation * (y - 0.5) + 2 * (random() - 0.5) * 3))));
  const weights = labels.map(() => 0.2 + random() * 2);
  return { labels, scores: Array.from(Float32Array.from(scores)), weights };
}

describe('AUC', () => {
  // Keras's documented example: 0.75 with three thresholds, and 1 once the misranked pair is weighted out.
  test("Keras's documented values", () => {
    const m = new AUC({ numThresholds: 3 });
    m.update(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
    expect(m.result()).toBeCloseTo(0.75, 6);
    m.reset();
    m.update(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]), tensor([1, 0, 0, 1]));
    expect(m.result()).toBeCloseTo(1, 6);
    expect(m.name).toBe('auc');
  });

  test("thresholds are Keras's: −ε, i/(n−1) …, 1 + ε", () => {
    const t = new AUC({ numThresholds: 5 }).thresholds;
    expect(t).toHaveLength(5);
    expect(t[0]).toBeCloseTo(-1e-7, 12);
    expect(t.slice(1, 4)).toEqual([0.25, 0.5, 0.75]);
    expect(t[4]).toBeCloseTo(1 + 1e-7, 12);
    expect(new AUC().numThresholds).toBe(200);
  });

  test('predictions of exactly 0 and 1 fall inside the outer thresholds', () => {
    const m = new AUC({ numThresholds: 3 });
    m.update(tensor([0, 1, 1]), tensor([0, 1, 0.5]));
    const { tp, fp, fn, tn } = m.confusion();
    // At −ε every prediction is positive; at 1 + ε none is, even the one of exactly 1.
    expect(Array.from(tp)).toEqual([2, 1, 0]);
    expect(Array.from(fp)).toEqual([1, 0, 0]);
    expect(Array.from(fn)).toEqual([0, 1, 2]);
    expect(Array.from(tn)).toEqual([0, 1, 1]);
  });

  test.each([
    [1, 500, 2],
    [2, 1000, 1],
    [3, 300, 4],
  ])('ROC on random data (seed %i, %i samples) is the exact rank AUC within 1e-2', (seed, n, separation) => {
    const { labels, scores, weights } = randomCase(seed, n, separation);
    const unweighted = new AUC();
    unweighted.update(tensor(labels), tensor(scores));
    expect(
      Math.abs(
        unweighted.result() -
          exactRocAuc(
            labels,
            scores,
            labels.map(() => 1),
          ),
      ),
    ).toBeLessThan(1e-2);
    const weighted = new AUC();
    weighted.update(tensor(labels), tensor(scores), tensor(weights));
    const exact = exactRocAuc(labels, scores, weights);
    expect(Math.abs(weighted.result() - exact)).toBeLessThan(1e-2);
    // The data is neither trivial nor hopeless, so the comparison means something.
    expect(exact).toBeGreaterThan(0.55);
    expect(exact).toBeLessThan(0.98);
  });

  test('a perfect ranking scores 1 and a reversed one 0, on both curves', () => {
    const labels = tensor([0, 0, 1, 1, 1]);
    const scores = tensor([0.1, 0.3, 0.6, 0.8, 0.95]);
    for (const curve of ['ROC', 'PR'] as const) {
      const good = new AUC({ curve });
      good.update(labels, scores);
      expect(good.result()).toBeCloseTo(1, 6);
    }
    const bad = new AUC();
    bad.update(labels, tensor([0.9, 0.8, 0.3, 0.2, 0.1]));
    expect(bad.result()).toBeCloseTo(0, 6);
  });

  test('PR with interpolation follows Davis & Goadrich (worked by hand)', () => {
    // Thresholds [−ε, 0.5, 1+ε]: TP [2, 1, 0], FP [2, 0, 0], FN [0, 1, 2], predicted positives [4, 1, 0].
    // Segment 1: slope 1/3, intercept 2/3, ratio 4 → (1/3)(1 + (2/3)·ln 4) / 2.
    // Segment 2: slope 1, intercept 0 → 1/2.
    const m = new AUC({ numThresholds: 3, curve: 'PR' });
    m.update(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
    expect(m.result()).toBeCloseTo(((1 / 3) * (1 + (2 / 3) * Math.log(4))) / 2 + 0.5, 6);
  });

  test('minoring and majoring bound the interpolated ROC area', () => {
    const make = (summationMethod: 'minoring' | 'majoring' | 'interpolation') => {
      const m = new AUC({ numThresholds: 3, summationMethod });
      m.update(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
      return m.result();
    };
    // Recall [1, 0.5, 0] at false-positive rates [1, 0, 0]: one strip of width 1.
    expect(make('minoring')).toBeCloseTo(0.5, 6);
    expect(make('majoring')).toBeCloseTo(1, 6);
    expect(make('interpolation')).toBeCloseTo(0.75, 6);
  });

  test('multi-label outputs are pooled, each sample weight applying to its row', () => {
    const pooled = new AUC();
    pooled.update(
      tensor([
        [1, 0],
        [0, 1],
      ]),
      tensor([
        [0.9, 0.2],
        [0.4, 0.3],
      ]),
      tensor([2, 1]),
    );
    const flat = new AUC();
    flat.update(tensor([1, 0, 0, 1]), tensor([0.9, 0.2, 0.4, 0.3]), tensor([2, 2, 1, 1]));
    expect(pooled.result()).toBeCloseTo(flat.result(), 12);
    expect(pooled.result()).toBeCloseTo(exactRocAuc([1, 0, 0, 1], [0.9, 0.2, 0.4, 0.3], [2, 2, 1, 1]), 6);
  });

  test('bad options are refused', () => {
    expect(() => new AUC({ numThresholds: 1 })).toThrow(/numThresholds is 1, expected an integer > 1/);
    expect(() => new AUC({ curve: 'roc' as 'ROC' })).toThrow(/curve is "roc", expected one of 'ROC', 'PR'/);
    expect(() => new AUC({ summationMethod: 'trapezoid' as 'interpolation' })).toThrow(/summationMethod/);
  });
});
