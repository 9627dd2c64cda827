import * as dl from 'deepline';
import { DeeplineError, type Tensor, tensor } from 'deepline';
import { describe, expect, test } from 'vitest';

describe('imperative gradients: backward() fills .grad', () => {
  test('a tensor used several times accumulates every use', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    // y = Σ x·x + 3x  →  dy/dx = 2x + 3
    const y = dl.sum(dl.add(dl.mul(x, x), dl.mul(x, 3)));
    y.backward();
    expect(x.grad?.toArray()).toEqual([5, 7, 9]);
  });

  test('repeated backward calls add up until grad is reset', () => {
    const w = tensor([2], { requiresGrad: true });
    dl.sum(dl.mul(w, w)).backward();
    dl.sum(dl.mul(w, w)).backward();
    expect(w.grad?.toArray()).toEqual([8]);
    w.grad = null;
    dl.sum(dl.mul(w, 5)).backward();
    expect((w.grad as Tensor | null)?.toArray()).toEqual([5]);
  });

  test('a diamond graph (shared intermediate) is summed once per path', () => {
    const x = tensor([3], { requiresGrad: true });
    const h = dl.exp(x);
    const y = dl.sum(dl.add(dl.mul(h, 2), dl.square(h)));
    y.backward();
    const e3 = Math.exp(3);
    expect(x.grad?.item()).toBeCloseTo(2 * e3 + 2 * e3 * e3, -1);
  });

  test('only leaves that require a gradient receive one', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    dl.sum(dl.mul(a, b)).backward();
    expect(a.grad?.toArray()).toEqual([3, 4]);
    expect(b.grad).toBeNull();
  });

  test('a non-scalar result needs an explicit gradient of its shape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = dl.mul(x, 3);
    expect(() => y.backward()).toThrow(/backward: the tensor has shape \[2\]/);
    expect(() => y.backward(tensor([1, 1, 1]))).toThrow(/expected the tensor's shape \[2\]/);
    y.backward(tensor([1, -1]));
    expect(x.grad?.toArray()).toEqual([3, -3]);
  });

  test('backward on something that needs no gradient explains itself', () => {
    expect(() => dl.sum(tensor([1])).backward()).toThrow(DeeplineError);
    expect(() => {
      dl.mul(tensor([1], { requiresGrad: true }), 2).requiresGrad = false;
    }).toThrow(/leaf/);
  });

  test('gradients flow through float casts and stop at int casts and detach', () => {
    const x = tensor([1.5, 2.5], { requiresGrad: true });
    dl.sum(dl.mul(dl.cast(x, 'float64'), 2)).backward();
    expect(x.grad?.dtype).toBe('float32');
    expect(x.grad?.toArray()).toEqual([2, 2]);
    const z = tensor([1], { requiresGrad: true });
    expect(dl.cast(z, 'int32').requiresGrad).toBe(false);
    expect(z.detach().requiresGrad).toBe(false);
  });

  test('a long chain of ops does not overflow the stack', () => {
    const x = tensor([1], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 20_000; i++) y = dl.add(y, 1);
    dl.sum(y).backward();
    expect(x.grad?.toArray()).toEqual([1]);
  });
});

describe('functional gradients: grad and valueAndGrad', () => {
  test('differentiate with respect to every argument', () => {
    const f = (a: Tensor, b: Tensor) => dl.sum(dl.mul(dl.square(a), b));
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const [da, db] = dl.grad(f)(a, b);
    expect(da.toArray()).toEqual([6, 16]);
    expect(db.toArray()).toEqual([1, 4]);
    const { value, grads } = dl.valueAndGrad(f)(a, b);
    expect(value.item()).toBe(19);
    expect(grads[0].toArray()).toEqual([6, 16]);
    expect(a.grad).toBeNull();
  });

  test('an argument the value does not depend on gets zeros', () => {
    const [da, db] = dl.grad((a: Tensor, _b: Tensor) => dl.sum(a))(tensor([1, 2]), tensor([[5]]));
    expect(da.toArray()).toEqual([1, 1]);
    expect(db.toArray()).toEqual([[0]]);
  });

  test('f must return a scalar', () => {
    expect(() => dl.grad((a: Tensor) => dl.mul(a, 2))(tensor([1, 2]))).toThrow(
      /valueAndGrad: the function must return a scalar tensor, got shape \[2\]/,
    );
  });

  test('grad works inside noGrad, which otherwise records nothing', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = dl.noGrad(() => dl.mul(w, 2));
    expect(y.requiresGrad).toBe(false);
    const [g] = dl.noGrad(() => dl.grad((x: Tensor) => dl.sum(dl.square(x)))(tensor([3])));
    expect(g.toArray()).toEqual([6]);
  });
});

describe('determinism', () => {
  const run = () => {
    dl.setSeed(1234);
    const w = dl.mul(dl.randomNormal([4, 3]), 0.5);
    w.requiresGrad = true;
    const x = dl.randomUniform([8, 4]);
    const h = dl.dropout(dl.relu(dl.matMul(x, w)), 0.5);
    const loss = dl.mean(dl.square(h));
    loss.backward();
    return { w: w.data(), loss: loss.data(), grad: w.grad!.data() };
  };

  test('the same seed gives bitwise-identical tensors and gradients', () => {
    const first = run();
    const second = run();
    expect(Buffer.from(second.w.buffer)).toEqual(Buffer.from(first.w.buffer));
    expect(Buffer.from(second.loss.buffer)).toEqual(Buffer.from(first.loss.buffer));
    expect(Buffer.from(second.grad.buffer)).toEqual(Buffer.from(first.grad.buffer));
    dl.setSeed(99);
    expect(dl.randomNormal([4, 3]).data()).not.toEqual(first.w);
  });
});
