import { tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import { adamUpdate } from '../src/ops/adam.js';
import { sgdUpdate } from '../src/ops/sgd.js';

// The fused updates against the formulas as Keras documents them, worked by hand.
const close = (actual: ArrayLike<number>, expected: number[]) => {
  expected.forEach((e, i) => {
    expect(actual[i]).toBeCloseTo(e, 6);
  });
};

describe('fused optimizer updates', () => {
  const p = tensor([1, -2]);
  const g = tensor([0.5, -1]);

  test('SGD without momentum: p − lr·g', () => {
    const next = sgdUpdate(p, g, null, { learningRate: 0.1, momentum: 0, nesterov: false });
    close(next.param.data(), [0.95, -1.9]);
    expect(next.velocity).toBeNull();
  });

  test('SGD with momentum and with Nesterov', () => {
    const v = tensor([0.2, 0]);
    const plain = sgdUpdate(p, g, v, { learningRate: 0.1, momentum: 0.9, nesterov: false });
    // v = 0.9·v − 0.1·g = [0.13, 0.1]; p + v
    close(plain.velocity!.data(), [0.13, 0.1]);
    close(plain.param.data(), [1.13, -1.9]);
    const nesterov = sgdUpdate(p, g, v, { learningRate: 0.1, momentum: 0.9, nesterov: true });
    // p + 0.9·v − 0.1·g
    close(nesterov.param.data(), [1 + 0.9 * 0.13 - 0.05, -2 + 0.9 * 0.1 + 0.1]);
  });

  test('Adam: moments and the step', () => {
    const m = tensor([0.1, 0]);
    const v = tensor([0.01, 0]);
    const next = adamUpdate(p, g, m, v, { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    const m1 = [0.9 * 0.1 + 0.1 * 0.5, 0.1 * -1];
    const v1 = [0.999 * 0.01 + 0.001 * 0.25, 0.001 * 1];
    close(next.m.data(), m1);
    close(next.v.data(), v1);
    close(next.param.data(), [
      1 - (0.01 * m1[0]) / (Math.sqrt(v1[0]) + 1e-7),
      -2 - (0.01 * m1[1]) / (Math.sqrt(v1[1]) + 1e-7),
    ]);
  });
});
