import * as dl from 'deepline';
import { DTypeError, ShapeError, type Tensor, tensor } from 'deepline';
import { describe, expect, test } from 'vitest';

const ints = (values: number[], shape = [values.length]) => tensor(new Int32Array(values), { shape });
const close = (t: Tensor, expected: number[], digits = 5) => {
  const values = Array.from(t.data());
  expect(values).toHaveLength(expected.length);
  values.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i], digits);
  });
};

describe('elementwise ops broadcast like NumPy', () => {
  test('arithmetic across shapes and with plain numbers', () => {
    const a = tensor([[1], [2], [3]]);
    const b = tensor([10, 20]);
    expect(dl.add(a, b).toArray()).toEqual([
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
    expect(dl.sub(b, 1).toArray()).toEqual([9, 19]);
    expect(dl.mul(2, b).toArray()).toEqual([20, 40]);
    expect(dl.div(b, a).shape).toEqual([3, 2]);
    expect(dl.pow(tensor([2, 3]), 2).toArray()).toEqual([4, 9]);
    expect(dl.maximum(tensor([1, 5]), tensor([3, 2])).toArray()).toEqual([3, 5]);
    expect(dl.minimum(tensor([1, 5]), 2).toArray()).toEqual([1, 2]);
    expect(dl.div(ints([7, -7]), ints([2, 2])).toArray()).toEqual([3, -4]);
  });

  test('unary maths', () => {
    const x = tensor([-2.5, -0.5, 0.5, 1.5, 2.5]);
    expect(dl.round(x).toArray()).toEqual([-2, -0, 0, 2, 2]);
    expect(dl.floor(x).toArray()).toEqual([-3, -1, 0, 1, 2]);
    expect(dl.ceil(x).toArray()).toEqual([-2, -0, 1, 2, 3]);
    expect(dl.abs(x).toArray()).toEqual([2.5, 0.5, 0.5, 1.5, 2.5]);
    expect(dl.sign(x).toArray()).toEqual([-1, -1, 1, 1, 1]);
    close(dl.erf(tensor([0, 0.5, 1, 3, -2])), [0, 0.5204999, 0.8427008, 0.9999779, -0.9953223]);
    close(dl.sqrt(tensor([4, 9])), [2, 3]);
    close(dl.rsqrt(tensor([4, 16])), [0.5, 0.25]);
    close(dl.exp(tensor([0, 1])), [1, Math.E]);
    close(dl.log1p(tensor([1e-10])), [1e-10], 15);
  });

  test('log of a negative constant is NaN, not an exception', () => {
    const y = dl.log(tensor([-1, 0, 1]));
    expect(Number.isNaN(y.data()[0])).toBe(true);
    expect(y.data()[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(y.data()[2]).toBe(0);
  });

  test('comparisons and logic give bool tensors; where selects', () => {
    const a = tensor([1, 2, 3]);
    const gt = dl.greater(a, 2);
    expect(gt.dtype).toBe('bool');
    expect(gt.toArray()).toEqual([false, false, true]);
    expect(dl.equal(a, tensor([1, 0, 3])).toArray()).toEqual([true, false, true]);
    expect(dl.lessEqual(a, 2).toArray()).toEqual([true, true, false]);
    expect(dl.notEqual(a, 2).toArray()).toEqual([true, false, true]);
    expect(dl.logicalAnd(gt, dl.less(a, 5)).toArray()).toEqual([false, false, true]);
    expect(dl.logicalOr(gt, dl.equal(a, 1)).toArray()).toEqual([true, false, true]);
    expect(dl.logicalNot(gt).toArray()).toEqual([true, true, false]);
    expect(dl.where(gt, a, tensor([[0], [-1]])).toArray()).toEqual([
      [0, 0, 3],
      [-1, -1, 3],
    ]);
    expect(dl.clip(tensor([-5, 0.5, 5]), 0, 1).toArray()).toEqual([0, 0.5, 1]);
  });

  test('casts truncate toward zero and round-trip', () => {
    expect(dl.cast(tensor([1.7, -1.7]), 'int32').toArray()).toEqual([1, -1]);
    expect(dl.cast(ints([0, 3]), 'bool').toArray()).toEqual([false, true]);
    expect(dl.cast(dl.cast(tensor([0.1]), 'float64'), 'float32').data()[0]).toBe(Math.fround(0.1));
  });
});

describe('reductions', () => {
  const x = tensor([
    [1, 5, 3],
    [4, 2, 6],
  ]);
  test('along any axes, with keepDims', () => {
    expect(dl.sum(x).item()).toBe(21);
    expect(dl.sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(dl.sum(x, -1, { keepDims: true }).toArray()).toEqual([[9], [12]]);
    expect(dl.max(x, 1).toArray()).toEqual([5, 6]);
    expect(dl.min(x, [0, 1]).item()).toBe(1);
    expect(dl.mean(x, 0).toArray()).toEqual([2.5, 3.5, 4.5]);
    close(dl.variance(x, 1), [8 / 3, 8 / 3]);
    expect(dl.argmax(x).toArray()).toEqual([1, 2]);
    expect(dl.argmax(x, 0).dtype).toBe('int32');
    expect(dl.argmin(x, 0).toArray()).toEqual([0, 1, 0]);
    close(dl.logSumExp(tensor([0, Math.log(3)])), [Math.log(4)]);
    const cube = dl.reshape(dl.arange(24), [2, 3, 4]);
    expect(dl.sum(cube, [0, 2]).toArray()).toEqual([60, 92, 124]);
    expect(dl.max(cube, [0, 2], { keepDims: true }).shape).toEqual([1, 3, 1]);
  });

  test('max gradient is split evenly between ties', () => {
    const t = tensor([2, 7, 7, 1], { requiresGrad: true });
    dl.max(t).backward();
    expect(t.grad?.toArray()).toEqual([0, 0.5, 0.5, 0]);
  });

  test('reducing an empty axis with max is an error; sum gives zeros', () => {
    expect(() => dl.max(dl.zeros([2, 0]), 1)).toThrow(/max: axis/);
    expect(dl.sum(dl.zeros([2, 0]), 1).toArray()).toEqual([0, 0]);
  });
});

describe('shape ops', () => {
  const x = dl.reshape(dl.arange(6), [2, 3]);
  test('reshape, transpose, expandDims, squeeze, flatten', () => {
    expect(dl.reshape(x, [3, -1]).shape).toEqual([3, 2]);
    expect(dl.transpose(x).toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(dl.permute(dl.zeros([2, 3, 4]), [1, 2, 0]).shape).toEqual([3, 4, 2]);
    expect(dl.expandDims(x, -1).shape).toEqual([2, 3, 1]);
    expect(dl.squeeze(dl.zeros([1, 3, 1])).shape).toEqual([3]);
    expect(dl.flatten(dl.zeros([4, 2, 3])).shape).toEqual([4, 6]);
  });

  test('slice, split, concat, stack, pad, tile, broadcastTo', () => {
    expect(dl.slice(x, [0, 1], [2, 2]).toArray()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(dl.slice(x, [1]).toArray()).toEqual([[3, 4, 5]]);
    const [left, right] = dl.split(x, [1, 2], 1);
    expect(left.toArray()).toEqual([[0], [3]]);
    expect(right.shape).toEqual([2, 2]);
    expect(dl.concat([left, right], 1).toArray()).toEqual(x.toArray());
    expect(dl.stack([left, left], 0).shape).toEqual([2, 2, 1]);
    expect(
      dl
        .pad(tensor([[1]]), [
          [1, 0],
          [0, 2],
        ])
        .toArray(),
    ).toEqual([
      [0, 0, 0],
      [1, 0, 0],
    ]);
    expect(dl.tile(tensor([[1, 2]]), [2, 2]).toArray()).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(dl.broadcastTo(tensor([1, 2]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  test('gather (embedding lookup) and oneHot', () => {
    const table = tensor([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(dl.gather(table, ints([2, 0, 2], [3])).toArray()).toEqual([
      [2, 2],
      [0, 0],
      [2, 2],
    ]);
    expect(dl.gather(table, ints([1, 2, 0, 0], [2, 2])).shape).toEqual([2, 2, 2]);
    expect(dl.oneHot(ints([0, 2]), 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });
});

describe('numerical stability at logits of ±1e4', () => {
  const logits = tensor([
    [1e4, -1e4, 0],
    [-1e4, -1e4, -1e4],
  ]);
  const finite = (t: Tensor) => Array.from(t.data()).every(Number.isFinite);

  test('softmax, logSoftmax, logSumExp, sigmoid and softplus stay finite', () => {
    close(dl.softmax(logits), [1, 0, 0, 1 / 3, 1 / 3, 1 / 3]);
    close(dl.logSoftmax(logits), [0, -2e4, -1e4, -Math.log(3), -Math.log(3), -Math.log(3)], 2);
    close(dl.logSumExp(logits, 1), [1e4, -1e4 + Math.log(3)], 2);
    close(dl.sigmoid(tensor([1e4, -1e4])), [1, 0]);
    close(dl.softplus(tensor([1e4, -1e4])), [1e4, 0]);
    expect(finite(dl.elu(tensor([1e4, -1e4])))).toBe(true);
  });

  test('cross-entropy losses and their gradients are finite', () => {
    const labels = tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const [g] = dl.grad((z: Tensor) => dl.sum(dl.softmaxCrossEntropy(labels, z)))(logits);
    expect(finite(g)).toBe(true);
    close(g, [1, -1, 0, -2 / 3, 1 / 3, 1 / 3]);
    const loss = dl.softmaxCrossEntropy(labels, logits);
    close(loss, [2e4, Math.log(3)], 2);
    const [gs] = dl.grad((z: Tensor) => dl.sum(dl.sigmoidCrossEntropy(tensor([1, 0]), z)))(
      tensor([-1e4, 1e4]),
    );
    close(gs, [-1, 1]);
    for (const f of [dl.elu, dl.selu, dl.softplus, dl.sigmoid, (z: Tensor) => dl.gelu(z)]) {
      const [gf] = dl.grad((z: Tensor) => dl.sum(f(z)))(tensor([1e4, -1e4, 0]));
      expect(finite(gf)).toBe(true);
    }
  });
});

describe('errors name the op and the shapes', () => {
  test('shapes that cannot broadcast', () => {
    expect(() => dl.add(dl.zeros([2, 3]), dl.zeros([4]))).toThrow(
      new ShapeError(
        'add: shapes [2, 3] and [4] cannot be broadcast together; each dimension, aligned from the right, must be equal or 1',
      ),
    );
    expect(() => dl.matMul(dl.zeros([2, 3]), dl.zeros([4, 5]))).toThrow(
      'matMul: inner dimensions of [2, 3] and [4, 5] do not match',
    );
    expect(() => dl.reshape(dl.zeros([2, 3]), [4, 2])).toThrow(/reshape: .*\[2, 3\].*\[4, 2\]/);
    expect(() => dl.concat([dl.zeros([2, 3]), dl.zeros([3, 3])], 1)).toThrow(
      /concat: shapes \[2, 3\] and \[3, 3\]/,
    );
    expect(() => dl.conv2d(dl.zeros([1, 4, 4, 2]), dl.zeros([3, 3, 3, 1]))).toThrow(
      /conv2d: input \[1, 4, 4, 2\]/,
    );
    expect(() => dl.sum(dl.zeros([2]), 3)).toThrow(/sum: axis 3 is out of range for rank 1/);
    expect(() => dl.gather(dl.zeros([3, 2]), ints([3]))).toThrow(/gather: index 3 is out of range/);
  });

  test('dtypes that do not fit', () => {
    expect(() => dl.add(dl.zeros([2]), ints([1, 2]))).toThrow(DTypeError);
    expect(() => dl.add(dl.zeros([2]), ints([1, 2]))).toThrow(
      /add: dtypes float32 \(shape \[2\]\) and int32 \(shape \[2\]\)/,
    );
    expect(() => dl.exp(ints([1]))).toThrow(/exp: got dtype int32/);
    expect(() => dl.add(ints([1]), 0.5)).toThrow(DTypeError);
    expect(() => dl.where(tensor([1]), 1, 2)).toThrow(/where: got dtype float32/);
  });
});
