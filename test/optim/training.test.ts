import { mul, square, sub, sum, tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import { Variable } from '../../src/nn/variable.js';
import {
  clipByGlobalNorm,
  clipByNorm,
  clipByValue,
  globalNorm,
  optimizer,
  piecewiseConstantDecay,
  sgd,
} from '../../src/optim/index.js';
import { expectClose, gradTensor, variable } from './helpers.js';

describe('convergence on an ill-conditioned quadratic', () => {
  // f(w) = Σ c·(w − target)², curvatures from 0.2 to 5; its gradient is 2c·(w − target).
  const curvature = tensor([0.2, 1, 5, 2]);
  const target = tensor([1, -2, 0.5, 3]);
  const loss = (w: Variable) => sum(mul(curvature, square(sub(w.value, target)))).item();

  test.each([
    ['sgd', { learningRate: 0.05 }],
    ['sgd', { learningRate: 0.02, momentum: 0.9 }],
    ['sgd', { learningRate: 0.02, momentum: 0.9, nesterov: true }],
    ['adam', { learningRate: 0.05 }],
    ['adam', { learningRate: 0.05, amsgrad: true }],
    ['adamw', { learningRate: 0.05, weightDecay: 0 }],
    ['rmsprop', { learningRate: 0.01 }],
    ['rmsprop', { learningRate: 0.01, momentum: 0.5, centered: true }],
    ['adagrad', { learningRate: 0.5 }],
  ])('%s %j', (id, config) => {
    const w = new Variable('w', tensor([0, 0, 0, 0]));
    const opt = optimizer({ className: id, config });
    const start = loss(w);
    for (let step = 0; step < 400; step++) {
      opt.applyGradients([w], [mul(mul(curvature, sub(w.value, target)), 2)]);
    }
    expect(loss(w)).toBeLessThan(start * 1e-4);
  });
});

describe('gradient clipping', () => {
  // With SGD at rate 1 the update is minus the clipped gradient, so the step shows the clipping.
  const stepOf = (config: Record<string, unknown>, grads: number[][]) => {
    const vars = grads.map((g, i) => new Variable(`v${i}`, tensor(g.map(() => 0))));
    optimizer({ className: 'sgd', config: { learningRate: 1, ...config } }).applyGradients(
      vars,
      grads.map((g) => tensor(g)),
    );
    return vars.map((v) => Array.from(v.value.data(), (x) => -x));
  };

  test('clipNorm rescales each gradient over the norm by itself, and leaves the others', () => {
    const [a, b] = stepOf({ clipNorm: 1 }, [
      [3, 4],
      [0.3, 0.4],
    ]);
    expectClose(a, [0.6, 0.8], 1e-6);
    expectClose(b, [0.3, 0.4], 1e-6);
  });

  test('globalClipNorm rescales all gradients by one factor', () => {
    const [a, b] = stepOf({ globalClipNorm: 1 }, [[3, 4], [12]]);
    expectClose(a, [3 / 13, 4 / 13], 1e-6);
    expectClose(b, [12 / 13], 1e-6);
    const [c, d] = stepOf({ globalClipNorm: 20 }, [[3, 4], [12]]);
    expectClose(c, [3, 4], 1e-6);
    expectClose(d, [12], 1e-6);
  });

  test('clipValue clips each element', () => {
    const [a] = stepOf({ clipValue: 0.5 }, [[3, -0.2, -4, 0.5]]);
    expectClose(a, [0.5, -0.2, -0.5, 0.5], 1e-6);
  });

  test('clipping happens before the optimizer sees the gradient', () => {
    // Clipping by value is no rescaling, which Adam would cancel: the result shows it was applied.
    const clipped = variable();
    const scaled = variable();
    const a = optimizer({ className: 'adam', config: { learningRate: 0.1, clipValue: 0.05 } });
    const b = optimizer({ className: 'adam', config: { learningRate: 0.1 } });
    for (let t = 1; t <= 3; t++) {
      const g = gradTensor(t);
      a.applyGradients([clipped], [g]);
      b.applyGradients([scaled], [clipByValue(g, 0.05)]);
    }
    expect(Array.from(clipped.value.data())).toEqual(Array.from(scaled.value.data()));
  });

  test('the clipping helpers', () => {
    expect(globalNorm([tensor([3, 4]), tensor([[12]])])).toBeCloseTo(13, 5);
    expectClose(clipByNorm(tensor([3, 4]), 2.5).data(), [1.5, 2], 1e-6);
    const [x, y] = clipByGlobalNorm([tensor([3, 4]), tensor([12])], 6.5);
    expectClose(x.data(), [1.5, 2], 1e-6);
    expectClose(y.data(), [6], 1e-6);
  });
});

describe('applyGradients', () => {
  test('skips non-trainable variables and gives them no state', () => {
    const frozen = new Variable('frozen', tensor([1, 2]), false);
    const w = new Variable('w', tensor([1, 2]));
    const opt = optimizer('adam');
    opt.applyGradients([frozen, w], [tensor([1, 1]), tensor([1, 1])]);
    expect(Array.from(frozen.value.data())).toEqual([1, 2]);
    expect(Array.from(w.value.data())).not.toEqual([1, 2]);
    expect(opt.getState([frozen, w])).toHaveLength(1 + 2);
  });

  test('a frozen variable does not count towards the global norm', () => {
    const frozen = new Variable('frozen', tensor([0]), false);
    const w = new Variable('w', tensor([0, 0]));
    sgd({ learningRate: 1, globalClipNorm: 5 }).applyGradients([frozen, w], [tensor([100]), tensor([3, 4])]);
    expectClose(w.value.data(), [-3, -4], 1e-6);
  });

  test('rejects mismatched gradients by name, before changing anything', () => {
    const a = new Variable('dense/kernel', tensor([[1, 2]]));
    const b = new Variable('dense/bias', tensor([1]));
    const opt = optimizer('sgd');
    expect(() => opt.applyGradients([a, b], [tensor([[1, 1]])])).toThrow(
      'SGD.applyGradients: got 1 gradients for 2 variables',
    );
    expect(() => opt.applyGradients([b, a], [tensor([1]), tensor([1, 1])])).toThrow(
      "SGD.applyGradients: the gradient for variable 'dense/kernel' has shape [2], expected the variable's shape [1, 2]",
    );
    expect(() => opt.applyGradients([b], [tensor([1], { dtype: 'float64' })])).toThrow(
      "the gradient for variable 'dense/bias' has dtype float64, expected the variable's dtype float32",
    );
    expect(Array.from(b.value.data())).toEqual([1]);
    expect(opt.iterations).toBe(0);
  });

  test('leaves each trainable variable a leaf that requires a gradient', () => {
    const w = variable();
    optimizer('rmsprop').applyGradients([w], [gradTensor(1)]);
    expect(w.value.requiresGrad).toBe(true);
    expect(w.value.node).toBeNull();
  });
});

describe('the learning rate', () => {
  test('a schedule is read at the number of steps already taken', () => {
    // Rate 1 for steps 0 and 1, then 0.5: with gradient 1 the weight goes 0, −1, −2, −2.5.
    const opt = sgd({ learningRate: piecewiseConstantDecay({ boundaries: [1], values: [1, 0.5] }) });
    const w = new Variable('w', tensor([0]));
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(opt.learningRate);
      opt.applyGradients([w], [tensor([1])]);
    }
    expect(seen).toEqual([1, 1, 0.5]);
    expect(w.value.item()).toBe(-2.5);
  });

  test('weight decay uses the scheduled rate of the step', () => {
    const opt = sgd({
      learningRate: piecewiseConstantDecay({ boundaries: [0], values: [1, 0.5] }),
      weightDecay: 0.1,
    });
    const w = new Variable('w', tensor([10]));
    opt.applyGradients([w], [tensor([0])]);
    opt.applyGradients([w], [tensor([0])]);
    expect(w.value.item()).toBeCloseTo(10 * 0.9 * 0.95, 5);
  });

  test('setLearningRate replaces a schedule', () => {
    const opt = sgd({ learningRate: piecewiseConstantDecay({ boundaries: [0], values: [1, 0.5] }) });
    opt.setLearningRate(0.25);
    const w = new Variable('w', tensor([0]));
    opt.applyGradients([w], [tensor([1])]);
    opt.applyGradients([w], [tensor([1])]);
    expect(w.value.item()).toBe(-0.5);
    expect(opt.getConfig().learningRate).toBe(0.25);
    expect(() => opt.setLearningRate(0)).toThrow(
      'SGD.setLearningRate: rate is 0, expected a finite number > 0',
    );
  });
});
