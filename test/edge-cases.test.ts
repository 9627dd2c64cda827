import * as dl from 'deepline';
import { DeeplineError, type Tensor, tensor, ValueError } from 'deepline';
import { describe, expect, test } from 'vitest';
import { onBackend } from './helpers/backends.js';

// Behaviour at the edges, checked on every backend: kinks, empty tensors, bad values.
describe.each(dl.backendNames())('edge cases on the %s backend', (backend) => {
  const on = <T>(f: () => T): T => onBackend(backend, f);
  const gradAt = (f: (x: Tensor) => Tensor, at: number[]) =>
    on(() =>
      Array.from(
        dl
          .grad((x: Tensor) => dl.sum(f(x)))(tensor(at))[0]
          .data(),
      ),
    );

  test("kinks take the flat side's gradient, as in TensorFlow and PyTorch, fused or not", () => {
    expect(gradAt(dl.relu, [0, 1, -1])).toEqual([0, 1, 0]);
    expect(
      gradAt((x) => dl.matMul(dl.reshape(x, [3, 1]), dl.ones([1, 1]), { activation: 'relu' }), [0, 1, -1]),
    ).toEqual([0, 1, 0]);
    expect(gradAt(dl.relu6, [0, 3, 6, 7])).toEqual([0, 1, 0, 0]);
  });

  test('softplus and sigmoid cross-entropy have the right gradient at 0', () => {
    expect(gradAt(dl.softplus, [0])).toEqual([0.5]);
    expect(gradAt((x) => dl.sigmoidCrossEntropy(tensor([0, 1]), x), [0, 0])).toEqual([0.5, -0.5]);
    expect(on(() => dl.sigmoidCrossEntropy(tensor([1]), tensor([1e4])).item())).toBe(0);
  });

  test('convolutions and products with nothing to compute', () => {
    const f = dl.randomNormal([3, 3, 2, 16], { seed: 1 });
    const [gf] = on(() => dl.grad((w: Tensor) => dl.sum(dl.conv2d(dl.zeros([0, 6, 6, 2]), w)))(f));
    expect(Array.from(gf.data()).every((v) => v === 0)).toBe(true);
    const [gp] = on(() => dl.grad((w: Tensor) => dl.sum(dl.conv2dMaxPool(dl.zeros([0, 6, 6, 2]), w)))(f));
    expect(Array.from(gp.data()).every((v) => v === 0)).toBe(true);
    expect(on(() => dl.conv2d(dl.zeros([1, 0, 5, 2]), f.detach(), { padding: 'same' })).shape).toEqual([
      1, 0, 5, 16,
    ]);
    expect(on(() => dl.matMul(dl.zeros([0, 3]), dl.zeros([3, 4]))).shape).toEqual([0, 4]);
    expect(on(() => dl.matMul(dl.ones([2, 0]), dl.ones([0, 3]))).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  test('a tall, thin product (one column of A) is exact', () => {
    const a = dl.arange(20_000);
    const product = on(() => dl.matMul(dl.reshape(a, [20_000, 1]), tensor([[2, -1]])));
    expect(product.shape).toEqual([20_000, 2]);
    expect(Array.from(product.data().slice(-2))).toEqual([39_998, -19_999]);
  });
});

describe('bad values are errors that say so', () => {
  test('sparse labels out of range', () => {
    const logits = dl.zeros([2, 3]);
    expect(() => dl.sparseSoftmaxCrossEntropy(tensor(new Int32Array([0, 3])), logits)).toThrow(ValueError);
    expect(() => dl.sparseSoftmaxCrossEntropy(tensor(new Int32Array([-1, 0])), logits)).toThrow(
      'sparseSoftmaxCrossEntropy: label -1 is out of range for 3 classes (expected 0..2)',
    );
  });

  test('mixing int32 and float points to the float side', () => {
    expect(() => dl.add(tensor(new Int32Array([1])), 0.5)).toThrow(
      /cast the int32 one with cast\(x, 'float32'\)/,
    );
  });

  test('shapes and ranges that make no tensor', () => {
    expect(() => dl.randomNormal([2.5])).toThrow(/randomNormal: shape/);
    expect(() => dl.arange(Number.NaN)).toThrow(ValueError);
    expect(() => dl.dropout(dl.ones([2]), 1)).toThrow(ValueError);
  });

  test('bool tensors hold true and false only; NaN casts to true', () => {
    expect(tensor([0.5, 256, -1, 0], { dtype: 'bool' }).toArray()).toEqual([true, true, true, false]);
    expect(dl.equal(dl.full([1], 2, 'bool'), dl.ones([1], 'bool')).toArray()).toEqual([true]);
    expect(dl.cast(tensor([Number.NaN, 0]), 'bool').toArray()).toEqual([true, false]);
  });

  test('a gradient inside a gradient is refused, not silently zero', () => {
    const inner = dl.grad((x: Tensor) => dl.sum(dl.mul(x, dl.mul(x, x))));
    expect(() => dl.grad((x: Tensor) => dl.sum(inner(x)[0]))(tensor([2]))).toThrow(DeeplineError);
    expect(() => dl.grad((x: Tensor) => dl.sum(inner(x)[0]))(tensor([2]))).toThrow(/higher-order/);
    expect(
      dl
        .grad((x: Tensor) => dl.sum(dl.square(x)))(tensor([3]))[0]
        .item(),
    ).toBe(6);
  });

  test('the built-in backends cannot be replaced', () => {
    expect(() => dl.registerBackend({ name: 'js' } as dl.Backend)).toThrow(/built-in/);
  });
});
