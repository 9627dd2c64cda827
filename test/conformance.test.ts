import * as dl from 'deepline';
import { randomNormal, type Tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import { adamUpdate } from '../src/ops/adam.js';
import { sgdUpdate } from '../src/ops/sgd.js';
import { onBackend } from './helpers/backends.js';

// Every fast backend against the js reference, on shapes chosen to miss the SIMD width (4), the
// micro-kernel tile (4 × 16) and the k-blocking (256). Tolerance: the largest difference relative
// to the largest reference value, ≤ 1e-4.
const TOLERANCE = 1e-4;
const SIZES = [1, 3, 17, 33, 127, 129];

const fast = dl.backendNames().filter((name) => name !== 'js');
const on = onBackend;

// Without this, a backend that failed to start would leave the suite below with no tests at all.
test('the wasm backend started', () => {
  expect(fast).toContain('wasm');
});

function expectClose(actual: Tensor, expected: Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.data();
  const e = expected.data();
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    scale = Math.max(scale, Math.abs(e[i]));
    worst = Math.max(worst, Math.abs(a[i] - e[i]));
  }
  expect(worst / Math.max(scale, 1e-30)).toBeLessThanOrEqual(TOLERANCE);
}

/** Runs f on the fast backend and on js, and compares every tensor it returns. */
function conforms(backend: string, f: () => Tensor[]): void {
  const actual = on(backend, f);
  const expected = on('js', f);
  actual.forEach((t, i) => {
    expectClose(t, expected[i]);
  });
}

describe.each(fast)('the %s backend matches js', (backend) => {
  describe('matMul', () => {
    const cases: [number, number, number][] = [];
    for (const m of SIZES) for (const n of [1, 17, 129]) cases.push([m, 33, n]);
    cases.push([64, 300, 48], [129, 513, 33], [5, 1, 7], [256, 256, 256]);
    test.each(cases)('m=%i k=%i n=%i, all transposes', (m, k, n) => {
      const a = randomNormal([m, k], { seed: m * 7 + k });
      const b = randomNormal([k, n], { seed: n * 13 + k });
      conforms(backend, () => [
        dl.matMul(a, b),
        dl.matMul(dl.transpose(a), b, { transposeA: true }),
        dl.matMul(a, dl.transpose(b), { transposeB: true }),
        dl.matMul(dl.transpose(a), dl.transpose(b), { transposeA: true, transposeB: true }),
      ]);
    });

    test.each(['linear', 'relu', 'sigmoid', 'tanh'] as const)('fused with a bias and %s', (activation) => {
      const a = randomNormal([67, 33], { seed: 11 });
      const b = randomNormal([33, 21], { seed: 12 });
      const bias = randomNormal([21], { seed: 13 });
      conforms(backend, () => [dl.matMul(a, b, { bias, activation }), dl.matMul(a, b, { activation })]);
    });

    test('the fused sigmoid keeps relative precision element by element, down to tiny outputs', () => {
      // Logits from −80 to 80 (sigmoid down to ≈ 1.8e-35), in rows of 8 (SIMD lanes) times the identity.
      const z = dl.reshape(dl.arange(-80, 80, 0.0625), [320, 8]);
      const identity = dl.oneHot(dl.arange(0, 8, 1, 'int32'), 8);
      const fused = on(backend, () => dl.matMul(z, identity, { activation: 'sigmoid' }).data());
      const reference = on('js', () => dl.sigmoid(z).data());
      let worst = 0;
      for (let i = 0; i < reference.length; i++)
        worst = Math.max(worst, Math.abs(fused[i] - reference[i]) / reference[i]);
      expect(worst).toBeLessThan(1e-6);
    });

    test('batched, with a shared right-hand matrix and with broadcasting', () => {
      const a = randomNormal([3, 17, 33], { seed: 1 });
      const b = randomNormal([33, 20], { seed: 2 });
      const c = randomNormal([2, 1, 5, 9], { seed: 3 });
      const d = randomNormal([4, 9, 3], { seed: 4 });
      conforms(backend, () => [dl.matMul(a, b), dl.matMul(c, d)]);
    });
  });

  describe('conv2d forward and both gradients', () => {
    const cases: [string, number[], number[], dl.Conv2DOptions][] = [
      ['seed CNN layer', [4, 28, 28, 1], [3, 3, 1, 32], {}],
      ['same, stride 2, odd sizes', [3, 17, 13, 3], [3, 3, 3, 17], { padding: 'same', strides: 2 }],
      ['valid, stride 2', [2, 9, 11, 5], [3, 2, 5, 7], { strides: 2 }],
      ['same, dilation 2', [2, 10, 9, 4], [3, 3, 4, 33], { padding: 'same', dilations: 2 }],
      ['1×1 kernel', [2, 5, 5, 129], [1, 1, 129, 3], {}],
      ['strides [1, 2], wide channels', [1, 7, 12, 33], [2, 3, 33, 16], { strides: [1, 2], padding: 'same' }],
    ];
    test.each(cases)('%s', (_, xShape, fShape, options) => {
      const x = randomNormal(xShape, { seed: 5 });
      const f = randomNormal(fShape, { seed: 6 });
      const y = on('js', () => dl.conv2d(x, f, options));
      const weights = randomNormal(y.shape, { seed: 7 });
      conforms(backend, () => {
        const { value, grads } = dl.valueAndGrad((xx: Tensor, ff: Tensor) =>
          dl.sum(dl.mul(dl.conv2d(xx, ff, options), weights)),
        )(x, f);
        return [dl.conv2d(x, f, options), value, ...grads];
      });
    });

    test('fused with a bias and relu, and its gradients', () => {
      const x = randomNormal([3, 11, 9, 2], { seed: 14 });
      const f = randomNormal([3, 3, 2, 18], { seed: 15 });
      const bias = randomNormal([18], { seed: 16 });
      conforms(backend, () => {
        const loss = (xx: Tensor, ff: Tensor, bb: Tensor) =>
          dl.sum(dl.square(dl.conv2d(xx, ff, { bias: bb, activation: 'relu', padding: 'same' })));
        return [dl.conv2d(x, f, { bias, activation: 'relu' }), ...dl.grad(loss)(x, f, bias)];
      });
    });

    test('conv2dMaxPool equals maxPool2d of conv2d, forward and gradients', () => {
      const x = randomNormal([16, 28, 28, 1], { seed: 17 });
      const f = randomNormal([3, 3, 1, 32], { seed: 18 });
      const bias = randomNormal([32], { seed: 19 });
      const weights = randomNormal([16, 13, 13, 32], { seed: 20 });
      const lossOf = (layer: (xx: Tensor, ff: Tensor, bb: Tensor) => Tensor) => () => {
        const { value, grads } = dl.valueAndGrad((xx: Tensor, ff: Tensor, bb: Tensor) =>
          dl.sum(dl.mul(layer(xx, ff, bb), weights)),
        )(x, f, bias);
        return [value, ...grads];
      };
      const fused = lossOf((xx, ff, bb) => dl.conv2dMaxPool(xx, ff, { bias: bb, activation: 'relu' }));
      const composed = lossOf((xx, ff, bb) =>
        dl.maxPool2d(dl.conv2d(xx, ff, { bias: bb, activation: 'relu' })),
      );
      conforms(backend, fused);
      const [fusedOnBackend, composedOnBackend] = [on(backend, fused), on(backend, composed)];
      fusedOnBackend.forEach((t, i) => {
        expectClose(t, composedOnBackend[i]);
      });
    });

    const fusedCases: [string, number[], number[], dl.Conv2DMaxPoolOptions][] = [
      [
        'direct: same padding, strides 2, 3×3 pool stride 2 (overlapping), sigmoid',
        [3, 13, 11, 2],
        [3, 3, 2, 16],
        {
          padding: 'same',
          strides: 2,
          activation: 'sigmoid',
          pool: { poolSize: 3, strides: 2, padding: 'same' },
        },
      ],
      [
        'direct: dilation 2, 3 channels in, 48 out, tanh',
        [2, 12, 12, 3],
        [3, 3, 3, 48],
        {
          dilations: 2,
          activation: 'tanh',
        },
      ],
      [
        'direct: no bias, linear, pool [2, 3] valid',
        [2, 9, 10, 1],
        [2, 2, 1, 32],
        { pool: { poolSize: [2, 3] } },
      ],
      [
        'im2col: 20 channels out (not a multiple of 16)',
        [2, 10, 10, 3],
        [3, 3, 3, 20],
        { activation: 'relu' },
      ],
      ['im2col: many taps (5×5×4)', [2, 12, 12, 4], [5, 5, 4, 16], { activation: 'relu', padding: 'same' }],
    ];
    test.each(fusedCases)('conv2dMaxPool, %s', (_, xShape, fShape, options) => {
      const x = randomNormal(xShape, { seed: 23 });
      const f = randomNormal(fShape, { seed: 24 });
      const bias = options.activation === undefined ? undefined : randomNormal([fShape[3]], { seed: 25 });
      const layer = (xx: Tensor, ff: Tensor, ...bb: Tensor[]) =>
        dl.conv2dMaxPool(xx, ff, { ...options, bias: bb[0] });
      const weights = on('js', () => randomNormal(layer(x, f, ...(bias ? [bias] : [])).shape, { seed: 26 }));
      const inputs = bias ? [x, f, bias] : [x, f];
      conforms(backend, () => {
        const { value, grads } = dl.valueAndGrad((...args: Tensor[]) =>
          dl.sum(dl.mul(layer(args[0], args[1], ...args.slice(2)), weights)),
        )(...inputs);
        return [layer(x, f, ...(bias ? [bias] : [])), value, ...grads];
      });
    });

    test('the seed layer at batch 128: a filter gradient split by column panels across threads', () => {
      const x = randomNormal([128, 28, 28, 1], { seed: 27 });
      const f = randomNormal([3, 3, 1, 32], { seed: 28 });
      const dy = randomNormal([128, 26, 26, 32], { seed: 29 });
      conforms(backend, () => dl.grad((ff: Tensor) => dl.sum(dl.mul(dl.conv2d(x, ff), dy)))(f));
    });

    test('a batch larger than one im2col chunk', () => {
      const x = randomNormal([70, 28, 28, 8], { seed: 8 });
      const f = randomNormal([3, 3, 8, 16], { seed: 9 });
      conforms(backend, () => {
        const [gx, gf] = dl.grad((xx: Tensor, ff: Tensor) => dl.sum(dl.square(dl.conv2d(xx, ff))))(x, f);
        return [dl.conv2d(x, f), gx, gf];
      });
    });
  });

  describe('pooling forward and gradients', () => {
    const cases: [string, number[], dl.Pool2DOptions][] = [
      ['2×2 on the seed layer output', [8, 26, 26, 32], {}],
      ['2×2 same on odd sizes, 5 channels', [2, 7, 5, 5], { padding: 'same' }],
      ['3×3 stride 1 (overlapping), 3 channels', [2, 6, 7, 3], { poolSize: 3, strides: 1 }],
      [
        '3×2 window, strides [2, 1], 17 channels',
        [1, 9, 8, 17],
        { poolSize: [3, 2], strides: [2, 1], padding: 'same' },
      ],
      ['1 channel', [3, 8, 8, 1], { poolSize: 2 }],
    ];
    test.each(cases)('%s', (_, shape, options) => {
      const x = randomNormal(shape, { seed: 21 });
      conforms(backend, () => {
        const weights = on('js', () => randomNormal(dl.maxPool2d(x, options).shape, { seed: 22 }));
        const [gMax] = dl.grad((xx: Tensor) => dl.sum(dl.mul(dl.maxPool2d(xx, options), weights)))(x);
        const [gAvg] = dl.grad((xx: Tensor) => dl.sum(dl.mul(dl.avgPool2d(xx, options), weights)))(x);
        return [dl.maxPool2d(x, options), dl.avgPool2d(x, options), gMax, gAvg];
      });
    });
  });

  test('the fused Adam update, on a size that is not a multiple of 4', () => {
    const [p, g, m] = [1, 2, 3].map((seed) => randomNormal([1027], { seed }));
    const v = dl.square(randomNormal([1027], { seed: 4 }));
    const hyper = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    conforms(backend, () => {
      const next = adamUpdate(p, g, m, v, hyper);
      return [next.param, next.m, next.v];
    });
  });

  test.each([
    [0, false],
    [0.9, false],
    [0.9, true],
  ])('the fused SGD update, momentum %d, Nesterov %s', (momentum, nesterov) => {
    const [p, g, v] = [5, 6, 7].map((seed) => randomNormal([1029], { seed }));
    const hyper = { learningRate: 0.05, momentum, nesterov };
    conforms(backend, () => {
      const next = sgdUpdate(p, g, momentum > 0 ? v : null, hyper);
      return next.velocity ? [next.param, next.velocity] : [next.param];
    });
  });

  test('fused softmax cross-entropy and its gradient', () => {
    const logits = dl.mul(randomNormal([37, 13], { seed: 8 }), 5);
    const labels = dl.softmax(randomNormal([37, 13], { seed: 9 }));
    conforms(backend, () => {
      const { value, grads } = dl.valueAndGrad((z: Tensor) => dl.sum(dl.softmaxCrossEntropy(labels, z)))(
        logits,
      );
      return [value, ...grads];
    });
  });
});
