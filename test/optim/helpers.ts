import { type Tensor, tensor } from 'deepline';
import { expect } from 'vitest';
import { Variable } from '../../src/nn/variable.js';

/** Float32 results against a float64 reference: relative and absolute tolerance together. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 2e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance * (1 + Math.abs(expected[i])))) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (error ${error})`);
    }
  }
}

export const SHAPE = [3, 5];
export const SIZE = 15;

/** A starting point with both signs and a zero. */
export const initial = (): number[] => Array.from({ length: SIZE }, (_, i) => 0.5 - 0.1 * i);

/**
 * The gradient at step t (from 1): both signs, one element always zero (where only epsilon
 * keeps Adam's division finite), and a first step four times larger, so that with a short
 * memory Adam's second moment then shrinks and AMSGrad's running maximum differs from it.
 */
export function gradientAt(t: number): number[] {
  return Array.from({ length: SIZE }, (_, i) =>
    i === 7 ? 0 : Math.sin(1.3 * i + 0.7 * t) * (t === 1 ? 4 : 1),
  );
}

export const variable = (values = initial(), name = 'w'): Variable =>
  new Variable(name, tensor(values, { shape: SHAPE }));

export const gradTensor = (t: number): Tensor => tensor(gradientAt(t), { shape: SHAPE });
