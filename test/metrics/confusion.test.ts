import { ShapeError, tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import { Precision, Recall } from '../../src/metrics/index.js';

// Predicted positive (> 0.5): [1, 1, 0, 1, 0] against labels [1, 0, 1, 1, 0]:
// TP at 0 and 3, FP at 1, FN at 2.
const yTrue = tensor([1, 0, 1, 1, 0]);
const yPred = tensor([[0.9], [0.8], [0.3], [0.6], [0.1]]);

describe('Precision and Recall', () => {
  test('from true and false positives and negatives', () => {
    const precision = new Precision();
    const recall = new Recall();
    precision.update(yTrue, yPred);
    recall.update(yTrue, yPred);
    expect(precision.result()).toBeCloseTo(2 / 3, 6);
    expect(recall.result()).toBeCloseTo(2 / 3, 6);
    expect(precision.name).toBe('precision');
    expect(recall.name).toBe('recall');
  });

  test('sample weights weigh each decision', () => {
    const weights = tensor([1, 2, 3, 4, 5]);
    const precision = new Precision();
    const recall = new Recall();
    precision.update(yTrue, yPred, weights);
    recall.update(yTrue, yPred, weights);
    // TP = 1 + 4, FP = 2, FN = 3.
    expect(precision.result()).toBeCloseTo(5 / 7, 6);
    expect(recall.result()).toBeCloseTo(5 / 8, 6);
  });

  test('thresholds option', () => {
    const precision = new Precision({ thresholds: 0.7 });
    const recall = new Recall({ thresholds: 0.2 });
    precision.update(yTrue, yPred);
    recall.update(yTrue, yPred);
    // Above 0.7: samples 0 and 1 (one right). Above 0.2: all positives caught.
    expect(precision.result()).toBeCloseTo(1 / 2, 6);
    expect(recall.result()).toBeCloseTo(1, 6);
  });

  test('multi-label outputs count every label, each sample weighted', () => {
    const labels = tensor([
      [1, 0],
      [1, 1],
    ]);
    const preds = tensor([
      [0.8, 0.7],
      [0.2, 0.9],
    ]);
    const precision = new Precision();
    precision.update(labels, preds, tensor([2, 1]));
    // Sample 0 (weight 2): TP, FP. Sample 1 (weight 1): FN, TP.
    expect(precision.result()).toBeCloseTo(3 / 5, 6);
    const recall = new Recall();
    recall.update(labels, preds, tensor([2, 1]));
    expect(recall.result()).toBeCloseTo(3 / 4, 6);
    const second = new Recall({ classId: 1 });
    second.update(labels, preds);
    expect(second.result()).toBe(1);
    const first = new Recall({ classId: 0 });
    first.update(labels, preds);
    expect(first.result()).toBeCloseTo(1 / 2, 6);
  });

  test('0, not NaN, when nothing was predicted or labelled positive', () => {
    const precision = new Precision();
    const recall = new Recall();
    precision.update(tensor([1, 0]), tensor([0.1, 0.2]));
    recall.update(tensor([0, 0]), tensor([0.9, 0.2]));
    expect(precision.result()).toBe(0);
    expect(recall.result()).toBe(0);
  });

  test('mismatched labels are refused', () => {
    expect(() => new Precision().update(tensor([1, 0]), yPred)).toThrow(ShapeError);
    expect(() => new Precision({ thresholds: Number.NaN })).toThrow(/thresholds/);
  });
});
