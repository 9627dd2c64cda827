import { describe, expect, test } from 'vitest';
import { profile } from '../../src/data/profile.js';
import {
  HyperLogLog,
  quantileSketch,
  quantileSorted,
  Reservoir,
  RunningStats,
  SpaceSaving,
  seededRandom,
  ValueCounter,
} from '../../src/data/sketch.js';
import { Table } from '../../src/data/table.js';

describe('distinct counts', () => {
  test('a 300,000-distinct column switches to HyperLogLog within 2%', () => {
    const n = 300_000;
    const values = Array.from({ length: n + 5_000 }, (_, i) => (i < n ? `customer-${i}` : 'HOT'));
    const p = profile(new Table({ key: values }), { sampleSize: 1_000 });
    const column = p.columns[0];
    expect(column.distinctApproximate).toBe(true);
    expect(Math.abs(column.distinct / (n + 1) - 1)).toBeLessThan(0.02);
    // Past the exact limit only the top values are kept, and the heavy hitter is among them.
    expect(column.frequencies).toBeUndefined();
    expect(column.topApproximate).toBe(true);
    expect(column.top![0].value).toBe('HOT');
    expect(column.top![0].count).toBeGreaterThanOrEqual(5_000);
    expect(column.top![0].count).toBeLessThan(5_000 + 300);
  });

  test('counts are exact up to the limit, then stop growing', () => {
    const counter = new ValueCounter(100);
    for (let i = 0; i < 100; i++) counter.add(`v${i % 100}`);
    counter.add('v0');
    expect(counter.approximate).toBe(false);
    expect(counter.distinct).toBe(100);
    expect(counter.counts()![0]).toEqual({ value: 'v0', count: 2 });
    counter.add('new');
    expect(counter.approximate).toBe(true);
    expect(counter.counts()).toBeNull();
    expect(Math.abs(counter.distinct - 101)).toBeLessThanOrEqual(2);
  });

  test('HyperLogLog is accurate for small and large counts', () => {
    for (const n of [10, 1_000, 200_000]) {
      const hll = new HyperLogLog();
      for (let i = 0; i < n; i++) {
        hll.add(`k${i}`);
        hll.add(`k${i}`);
      }
      expect(Math.abs(hll.estimate() / n - 1)).toBeLessThan(0.02);
    }
  });

  test('Space-Saving keeps every value more frequent than n/capacity, with bounded overcount', () => {
    const top = new SpaceSaving(50);
    const random = seededRandom(3);
    const truth = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      // 10 heavy values take 30% of the stream, the rest is spread over 20,000 values.
      const key =
        random() < 0.3 ? `heavy${Math.floor(random() * 10)}` : `light${Math.floor(random() * 20_000)}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      top.add(key);
    }
    const reported = top.top(10);
    expect(reported.map((r) => r.value).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `heavy${i}`));
    for (const { value, count } of reported) {
      expect(count).toBeGreaterThanOrEqual(truth.get(value)!);
      expect(count - truth.get(value)!).toBeLessThanOrEqual(100_000 / 50);
    }
  });
});

describe('samples and moments', () => {
  test('Welford matches a two-pass float64 computation', () => {
    const random = seededRandom(1);
    const xs = Array.from({ length: 10_001 }, () => 1e6 + random() * 10);
    const stats = new RunningStats();
    for (const x of xs) stats.add(x);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(stats.mean - mean) / mean).toBeLessThan(1e-12);
    expect(Math.abs(stats.variance - variance) / variance).toBeLessThan(1e-9);
    expect(stats.min).toBe(Math.min(...xs));
    expect(stats.max).toBe(Math.max(...xs));
  });

  test('quantiles of a reservoir sample are within tolerance of the exact ones', () => {
    const random = seededRandom(11);
    const n = 400_000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = -Math.log(1 - random()); // exponential(1)
    const reservoir = new Reservoir(20_000, 5);
    for (const x of xs) reservoir.add(x);
    expect(reservoir.exact).toBe(false);
    const sample = reservoir.sorted();
    expect(sample.length).toBe(20_000);
    const all = xs.slice().sort();
    for (const p of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) {
      // Compare by rank: where the sample's quantile falls among all values.
      const q = quantileSorted(sample, p);
      const rank = lowerBound(all, q) / n;
      expect(Math.abs(rank - p)).toBeLessThan(0.01);
    }
  });

  test('a reservoir holds every value while they fit, and is reproducible by seed', () => {
    const a = new Reservoir(100, 9);
    const b = new Reservoir(100, 9);
    const c = new Reservoir(100, 10);
    for (let i = 0; i < 50; i++) a.add(50 - i);
    expect(a.exact).toBe(true);
    expect(Array.from(a.sorted())).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (let i = 0; i < 1_000; i++) {
      b.add(i);
      c.add(i);
    }
    const b2 = new Reservoir(100, 9);
    for (let i = 0; i < 1_000; i++) b2.add(i);
    expect(Array.from(b.sorted())).toEqual(Array.from(b2.sorted()));
    expect(Array.from(b.sorted())).not.toEqual(Array.from(c.sorted()));
  });

  test('a quantile sketch keeps small samples and summarises large ones', () => {
    expect(quantileSketch([1, 2, 3], 10)).toEqual([1, 2, 3]);
    const sorted = Float64Array.from({ length: 10_001 }, (_, i) => i);
    const sketch = quantileSketch(sorted, 100);
    expect(sketch.length).toBe(100);
    expect(sketch[0]).toBeCloseTo(50, 9);
    expect(sketch[99]).toBeCloseTo(9_950, 9);
  });
});

function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
