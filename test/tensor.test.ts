import {
  arange,
  DTypeError,
  full,
  ones,
  randomNormal,
  randomUniform,
  ShapeError,
  scalar,
  setSeed,
  Tensor,
  tensor,
  truncatedNormal,
  zeros,
} from 'deepline';
import { describe, expect, test } from 'vitest';

describe('creating tensors', () => {
  test('nested arrays give shape and float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  test('typed arrays choose the dtype and take a shape', () => {
    const t = tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
  });

  test('values are copied, so later writes to the source do not leak in', () => {
    const source = new Float32Array([1, 2]);
    const t = tensor(source);
    source[0] = 99;
    expect(t.toArray()).toEqual([1, 2]);
    const copy = t.data();
    copy[1] = 42;
    expect(t.toArray()).toEqual([1, 2]);
  });

  test('scalars, zeros, ones, full and arange', () => {
    expect(scalar(3).shape).toEqual([]);
    expect(scalar(3).item()).toBe(3);
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3], 'int32').toArray()).toEqual([1, 1, 1]);
    expect(full([2], 7.5).toArray()).toEqual([7.5, 7.5]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2, 'int32').toArray()).toEqual([5, 3, 1]);
  });

  test('ragged arrays, wrong lengths and bad shapes are named in the error', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged at values\[1\]/);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/3 values cannot fill shape \[2, 2\]/);
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => tensor(['a' as unknown as number])).toThrow(/value at values\[0\]/);
    expect(() => arange(0, 1, 0)).toThrow(/step/);
  });

  test('only float leaves can require a gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.requiresGrad).toBe(true);
    expect(() => {
      tensor(new Int32Array([1])).requiresGrad = true;
    }).toThrow(DTypeError);
  });
});

describe('printing', () => {
  test('aligned columns with one precision, like NumPy', () => {
    const t = tensor([
      [1.5, -2],
      [0.25, 3],
    ]);
    expect(t.toString()).toBe('tensor([[ 1.5000, -2.0000],\n        [ 0.2500,  3.0000]], dtype=float32)');
    expect(String(tensor([1, 2]))).toBe('tensor([1., 2.], dtype=float32)');
    expect(String(tensor(new Int32Array([3, -10])))).toBe('tensor([  3, -10], dtype=int32)');
    expect(String(scalar(2.5))).toBe('tensor(2.5000, dtype=float32)');
    expect(String(tensor([true, false]))).toBe('tensor([ true, false], dtype=bool)');
    expect(String(tensor([1e-6, 1]))).toBe('tensor([1.0000e-6, 1.0000e+0], dtype=float32)');
    expect(String(tensor([Number.NaN, Number.POSITIVE_INFINITY, 1]))).toBe(
      'tensor([nan, inf,  1.], dtype=float32)',
    );
  });

  test('large tensors are summarised with their shape', () => {
    const text = String(arange(10_000));
    expect(text).toBe(
      'tensor([   0.,    1.,    2., ..., 9997., 9998., 9999.], shape=[10000], dtype=float32)',
    );
    expect(String(zeros([100, 100])).split('\n')).toHaveLength(7);
  });
});

describe('random tensors', () => {
  test('a seed gives the same values every time', () => {
    const a = randomNormal([50], { seed: 3 }).data();
    const b = randomNormal([50], { seed: 3 }).data();
    expect(b).toEqual(a);
    setSeed(11);
    const c = randomUniform([20]).data();
    setSeed(11);
    expect(randomUniform([20]).data()).toEqual(c);
  });

  test('distributions have the requested moments and bounds', () => {
    const n = 20_000;
    const normal = Array.from(randomNormal([n], { mean: 2, stddev: 3, seed: 1 }).data());
    const mean = normal.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(normal.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(mean).toBeCloseTo(2, 1);
    expect(std).toBeCloseTo(3, 1);
    const uniform = Array.from(randomUniform([n], { minval: -1, maxval: 3, seed: 2 }).data());
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...uniform)).toBeLessThan(3);
    const truncated = Array.from(truncatedNormal([n], { stddev: 0.5, seed: 3 }).data());
    expect(Math.max(...truncated.map(Math.abs))).toBeLessThanOrEqual(1);
    const ints = randomUniform([1000], { minval: 0, maxval: 10, dtype: 'int32', seed: 4 });
    expect(ints.dtype).toBe('int32');
    expect(new Set(ints.data()).size).toBe(10);
  });
});
