import { describe, expect, test } from 'vitest';
import { hitRate, ndcg, rankOf, recallAtK, topK } from '../../src/metrics/ranking.js';

describe('ranking metrics (He et al., 2017)', () => {
  test('rankOf counts the candidates above the target, and half the ties', () => {
    expect(rankOf([0.9, 0.5, 0.95, 0.1], 0)).toBe(1);
    expect(rankOf([0.9, 0.5, 0.95, 0.1], 3)).toBe(3);
    expect(rankOf([0.2, 0.1], 0)).toBe(0);
    // Everything alike: the middle, not the top, so a constant model earns no hits.
    expect(rankOf([0.5, 0.5, 0.5, 0.5], 0)).toBe(1);
    expect(() => rankOf([0.5], 1)).toThrow(/target 1 is not an index of the 1 scores/);
    expect(() => rankOf([Number.NaN, 1], 0)).toThrow(/scores\[0\] is NaN/);
  });

  test('HR@k is the share of ranks below k', () => {
    expect(hitRate([0, 3, 9, 10, 50], 10)).toBeCloseTo(0.6, 12);
    expect(hitRate([0, 1], 1)).toBe(0.5);
  });

  test('NDCG@k is 1/log2(rank + 2) inside the top k, averaged', () => {
    // (1 + 1/log2 5 + 1/log2 11 + 0) / 4 = (1 + 0.4306766 + 0.2890648) / 4
    expect(ndcg([0, 3, 9, 10], 10)).toBeCloseTo(0.4299354, 6);
    expect(ndcg([1], 10)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  test('recall@k is the share of what was bought that the top k holds', () => {
    expect(recallAtK([5, 2, 9, 1], new Set([2, 1, 7]), 3)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK([5, 2, 9, 1], new Set([2, 1, 7]), 4)).toBeCloseTo(2 / 3, 12);
    expect(() => recallAtK([1], new Set(), 1)).toThrow(/no relevant items/);
  });

  test('topK: best first, ties to the lower index, skipped indices never chosen', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.3], 3)).toEqual([1, 3, 2]);
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.3], 3, (i) => i === 1)).toEqual([3, 2, 4]);
    expect(topK([0.3, 0.2], 5)).toEqual([0, 1]);
  });

  test('bad k and ranks are errors naming them', () => {
    expect(() => hitRate([0], 0)).toThrow(/hitRate: k is 0, expected a whole number ≥ 1/);
    expect(() => ndcg([-1], 10)).toThrow(/ndcg: ranks\[0\] is -1/);
    expect(() => hitRate([], 10)).toThrow(/no ranks/);
  });
});
