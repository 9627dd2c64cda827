import { ShapeError, tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import {
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
} from '../../src/metrics/index.js';

const ints = (values: number[], shape = [values.length]) => tensor(new Int32Array(values), { shape });

describe('BinaryAccuracy', () => {
  // Predicted 1 where > 0.5: [1, 0, 0, 1] against [1, 0, 1, 0]; 0.5 itself is not above.
  const yTrue = tensor([[1], [0], [1], [0]]);
  const yPred = tensor([[0.7], [0.4], [0.5], [0.6]]);

  test('counts predictions above the threshold as 1', () => {
    const m = new BinaryAccuracy();
    m.update(yTrue, yPred);
    expect(m.result()).toBeCloseTo(0.5, 6);
    expect(m.name).toBe('binary_accuracy');
  });

  test('sample weights', () => {
    const m = new BinaryAccuracy();
    m.update(yTrue, yPred, tensor([1, 2, 3, 4]));
    expect(m.result()).toBeCloseTo((1 + 2) / 10, 6);
  });

  test('threshold option', () => {
    const m = new BinaryAccuracy({ threshold: 0.65 });
    m.update(yTrue, yPred);
    expect(m.result()).toBeCloseTo(0.75, 6);
  });

  test('multi-label outputs score the fraction of labels right per sample', () => {
    const m = new BinaryAccuracy();
    // Sample 0 gets 1 of 3 right, sample 1 all three; weights 3 and 1.
    m.update(
      tensor([
        [1, 0, 1],
        [0, 0, 0],
      ]),
      tensor([
        [0.9, 0.6, 0.2],
        [0.1, 0.2, 0.3],
      ]),
      tensor([3, 1]),
    );
    expect(m.result()).toBeCloseTo((3 * (1 / 3) + 1) / 4, 6);
  });

  test('labels [batch] fit predictions [batch, 1]; other shapes are refused', () => {
    const m = new BinaryAccuracy();
    m.update(tensor([1, 0, 1, 0]), yPred);
    expect(m.result()).toBeCloseTo(0.5, 6);
    expect(() => m.update(tensor([1, 0, 1]), yPred)).toThrow(ShapeError);
    expect(() => m.update(tensor([1, 0, 1]), yPred)).toThrow(/binary_accuracy: labels of shape \[3\]/);
  });
});

describe('categorical accuracies', () => {
  // Argmax [2, 0, 0] (the first of a tie wins) against labels [2, 1, 0].
  const yPred = tensor([
    [0.1, 0.2, 0.7],
    [0.5, 0.3, 0.2],
    [0.4, 0.4, 0.2],
  ]);
  const onehot = tensor([
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
  ]);

  test('CategoricalAccuracy compares argmaxes', () => {
    const m = new CategoricalAccuracy();
    m.update(onehot, yPred);
    expect(m.result()).toBeCloseTo(2 / 3, 6);
    expect(m.name).toBe('categorical_accuracy');
  });

  test('SparseCategoricalAccuracy takes int32 or float labels, [batch] or [batch, 1]', () => {
    for (const labels of [
      ints([2, 1, 0]),
      tensor([2, 1, 0]),
      ints([2, 1, 0], [3, 1]),
      tensor([[2], [1], [0]]),
    ]) {
      const m = new SparseCategoricalAccuracy();
      m.update(labels, yPred, tensor([1, 1, 2]));
      expect(m.result()).toBeCloseTo(3 / 4, 6);
    }
    expect(() => new SparseCategoricalAccuracy().update(onehot, yPred)).toThrow(
      /sparse_categorical_accuracy: labels of shape \[3, 3\] do not match predictions of shape \[3, 3\]/,
    );
  });

  test('sequence outputs average over positions per sample', () => {
    const m = new SparseCategoricalAccuracy();
    // Sample 0: positions right, wrong; sample 1: right, right.
    m.update(
      ints([1, 0, 0, 1], [2, 2]),
      tensor([
        [
          [0.2, 0.8],
          [0.3, 0.7],
        ],
        [
          [0.6, 0.4],
          [0.1, 0.9],
        ],
      ]),
      tensor([3, 1]),
    );
    expect(m.result()).toBeCloseTo((3 * 0.5 + 1) / 4, 6);
  });
});

describe('top-k accuracies', () => {
  const yPred = tensor([
    [0.1, 0.2, 0.7],
    [0.5, 0.3, 0.2],
    [0.1, 0.5, 0.4],
  ]);

  test('the label must be among the k highest scores', () => {
    // Label scores 0.1 (two higher), 0.3 (one higher), 0.1 (two higher): only row 1 is in the top 2.
    const sparse = new SparseTopKCategoricalAccuracy({ k: 2 });
    sparse.update(ints([0, 1, 0]), yPred);
    expect(sparse.result()).toBeCloseTo(1 / 3, 6);
    const dense = new TopKCategoricalAccuracy({ k: 2 });
    dense.update(
      tensor([
        [1, 0, 0],
        [0, 1, 0],
        [1, 0, 0],
      ]),
      yPred,
    );
    expect(dense.result()).toBeCloseTo(1 / 3, 6);
    expect(dense.name).toBe('top_k_categorical_accuracy');
    expect(sparse.name).toBe('sparse_top_k_categorical_accuracy');
  });

  test('k = 5 by default, so three classes are always in the top k', () => {
    const m = new SparseTopKCategoricalAccuracy();
    m.update(ints([0, 2, 0]), yPred);
    expect(m.k).toBe(5);
    expect(m.result()).toBe(1);
  });

  test('classes tied at the boundary all count as in the top k (TensorFlow in_top_k)', () => {
    const m = new SparseTopKCategoricalAccuracy({ k: 1 });
    m.update(
      ints([2, 3]),
      tensor([
        [0.3, 0.3, 0.3, 0.1],
        [0.3, 0.3, 0.3, 0.1],
      ]),
    );
    expect(m.result()).toBeCloseTo(0.5, 6);
  });

  test('k must be a positive integer', () => {
    expect(() => new TopKCategoricalAccuracy({ k: 0 })).toThrow(/k is 0, expected a positive integer/);
    expect(() => new SparseTopKCategoricalAccuracy({ k: 1.5 })).toThrow(
      /SparseTopKCategoricalAccuracy: k is 1.5/,
    );
  });
});
