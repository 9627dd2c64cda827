import { tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import { Mean, MeanAbsoluteError, MeanSquaredError } from '../../src/metrics/index.js';

describe('MeanAbsoluteError and MeanSquaredError', () => {
  // Errors per sample: [0.5, −1] and [2, 0].
  const yTrue = tensor([
    [1, 2],
    [0, 3],
  ]);
  const yPred = tensor([
    [1.5, 1],
    [2, 3],
  ]);

  test('per sample over outputs, then over samples', () => {
    const mae = new MeanAbsoluteError();
    const mse = new MeanSquaredError();
    mae.update(yTrue, yPred);
    mse.update(yTrue, yPred);
    expect(mae.result()).toBeCloseTo((0.75 + 1) / 2, 6);
    expect(mse.result()).toBeCloseTo((0.625 + 2) / 2, 6);
    expect(mae.name).toBe('mean_absolute_error');
    expect(mse.name).toBe('mean_squared_error');
  });

  test('sample weights', () => {
    const mae = new MeanAbsoluteError();
    mae.update(yTrue, yPred, tensor([3, 1]));
    expect(mae.result()).toBeCloseTo((3 * 0.75 + 1) / 4, 6);
    const mse = new MeanSquaredError();
    mse.update(yTrue, yPred, tensor([[0], [1]]));
    expect(mse.result()).toBeCloseTo(2, 6);
  });

  test('labels [batch] against predictions [batch, 1]', () => {
    const mae = new MeanAbsoluteError();
    mae.update(tensor([1, 2, 3]), tensor([[1.5], [2], [1]]));
    expect(mae.result()).toBeCloseTo(2.5 / 3, 6);
  });
});

describe('Mean', () => {
  test('a weighted running mean of plain numbers, as the model averages its loss', () => {
    const m = new Mean('loss');
    expect(m.name).toBe('loss');
    expect(m.result()).toBe(0);
    m.updateValue(2, 1);
    m.updateValue(4, 3);
    expect(m.result()).toBeCloseTo(3.5, 12);
    m.updateValue(10);
    expect(m.result()).toBeCloseTo(24 / 5, 12);
    m.reset();
    expect(m.result()).toBe(0);
    m.updateValue(7, 2);
    expect(m.result()).toBe(7);
  });

  test('update averages the elements of its first argument, weighted by sample', () => {
    const m = new Mean();
    expect(m.name).toBe('mean');
    m.update(
      tensor([
        [1, 3],
        [5, 7],
      ]),
    );
    expect(m.result()).toBeCloseTo(4, 12);
    m.reset();
    m.update(
      tensor([
        [1, 3],
        [5, 7],
      ]),
      undefined,
      tensor([3, 1]),
    );
    expect(m.result()).toBeCloseTo((3 * 4 + 12) / 8, 12);
  });

  test('float32 batch losses average in float64 without drift', () => {
    const m = new Mean('loss');
    for (let i = 0; i < 100_000; i++) m.updateValue(0.1, 32);
    expect(m.result()).toBeCloseTo(0.1, 12);
  });
});
