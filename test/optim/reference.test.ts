import { backendNames } from 'deepline';
import { describe, expect, test } from 'vitest';
import type { Serialized } from '../../src/nn/serialize.js';
import { type Optimizer, optimizer } from '../../src/optim/index.js';
import { onBackend } from '../helpers/backends.js';
import { expectClose, gradientAt, gradTensor, initial, SIZE, variable } from './helpers.js';

// Each optimizer against its update as Keras 3 writes it, worked here in float64 one element
// at a time. `t` counts steps from 1; `lr` is the rate for that step.
type Reference = (w: number[], g: number[], t: number) => void;
const zeros = () => new Array<number>(SIZE).fill(0);

function kerasSgd(lr: number, momentum: number, nesterov: boolean, weightDecay = 0): Reference {
  const m = zeros();
  return (w, g) => {
    for (let i = 0; i < SIZE; i++) {
      w[i] -= w[i] * weightDecay * lr;
      if (momentum === 0) {
        w[i] -= lr * g[i];
        continue;
      }
      m[i] = -g[i] * lr + m[i] * momentum;
      w[i] += nesterov ? -g[i] * lr + m[i] * momentum : m[i];
    }
  };
}

function kerasAdam(
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  amsgrad: boolean,
  weightDecay = 0,
) {
  const m = zeros();
  const v = zeros();
  const vHat = zeros();
  return ((w, g, t) => {
    const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    for (let i = 0; i < SIZE; i++) {
      w[i] -= w[i] * weightDecay * lr;
      m[i] += (g[i] - m[i]) * (1 - beta1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
      vHat[i] = Math.max(vHat[i], v[i]);
      w[i] -= (alpha * m[i]) / (Math.sqrt(amsgrad ? vHat[i] : v[i]) + epsilon);
    }
  }) satisfies Reference;
}

function kerasRmsprop(
  lr: number,
  rho: number,
  momentum: number,
  epsilon: number,
  centered: boolean,
): Reference {
  const velocity = zeros();
  const mom = zeros();
  const average = zeros();
  return (w, g) => {
    for (let i = 0; i < SIZE; i++) {
      velocity[i] = rho * velocity[i] + (1 - rho) * g[i] * g[i];
      let denominator = velocity[i] + epsilon;
      if (centered) {
        average[i] = rho * average[i] + (1 - rho) * g[i];
        denominator = velocity[i] - average[i] ** 2 + epsilon;
      }
      const increment = (lr * g[i]) / Math.sqrt(denominator);
      if (momentum > 0) {
        mom[i] = momentum * mom[i] + increment;
        w[i] -= mom[i];
      } else {
        w[i] -= increment;
      }
    }
  };
}

function kerasAdagrad(lr: number, initialAccumulator: number, epsilon: number): Reference {
  const accumulator = new Array<number>(SIZE).fill(initialAccumulator);
  return (w, g) => {
    for (let i = 0; i < SIZE; i++) {
      accumulator[i] += g[i] * g[i];
      w[i] -= (lr * g[i]) / Math.sqrt(accumulator[i] + epsilon);
    }
  };
}

const cases: [string, Serialized, () => Reference][] = [
  ['SGD', { className: 'SGD', config: { learningRate: 0.1 } }, () => kerasSgd(0.1, 0, false)],
  [
    'SGD with momentum',
    { className: 'SGD', config: { learningRate: 0.1, momentum: 0.9 } },
    () => kerasSgd(0.1, 0.9, false),
  ],
  [
    'SGD with Nesterov momentum',
    { className: 'SGD', config: { learningRate: 0.1, momentum: 0.9, nesterov: true } },
    () => kerasSgd(0.1, 0.9, true),
  ],
  [
    'SGD with weight decay',
    { className: 'SGD', config: { learningRate: 0.1, momentum: 0.5, weightDecay: 0.2 } },
    () => kerasSgd(0.1, 0.5, false, 0.2),
  ],
  [
    'Adam',
    { className: 'Adam', config: { learningRate: 0.01 } },
    () => kerasAdam(0.01, 0.9, 0.999, 1e-7, false),
  ],
  [
    'Adam with other betas and epsilon',
    { className: 'Adam', config: { learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 0.1 } },
    () => kerasAdam(0.05, 0.5, 0.9, 0.1, false),
  ],
  [
    'Adam with AMSGrad',
    // A short second-moment memory, so that v falls below its running maximum after step 1.
    { className: 'Adam', config: { learningRate: 0.01, beta2: 0.5, amsgrad: true } },
    () => kerasAdam(0.01, 0.9, 0.5, 1e-7, true),
  ],
  [
    'AdamW',
    { className: 'AdamW', config: { learningRate: 0.01, weightDecay: 0.5 } },
    () => kerasAdam(0.01, 0.9, 0.999, 1e-7, false, 0.5),
  ],
  [
    'AdamW with its default weight decay',
    { className: 'AdamW', config: { learningRate: 0.01 } },
    () => kerasAdam(0.01, 0.9, 0.999, 1e-7, false, 0.004),
  ],
  [
    'RMSprop',
    { className: 'RMSprop', config: { learningRate: 0.01 } },
    () => kerasRmsprop(0.01, 0.9, 0, 1e-7, false),
  ],
  [
    'RMSprop with momentum',
    { className: 'RMSprop', config: { learningRate: 0.01, rho: 0.8, momentum: 0.5 } },
    () => kerasRmsprop(0.01, 0.8, 0.5, 1e-7, false),
  ],
  [
    'RMSprop centered',
    { className: 'RMSprop', config: { learningRate: 0.01, centered: true, epsilon: 1e-3 } },
    () => kerasRmsprop(0.01, 0.9, 0, 1e-3, true),
  ],
  [
    'RMSprop centered with momentum',
    { className: 'RMSprop', config: { learningRate: 0.01, centered: true, momentum: 0.9 } },
    () => kerasRmsprop(0.01, 0.9, 0.9, 1e-7, true),
  ],
  ['Adagrad', { className: 'Adagrad', config: { learningRate: 0.1 } }, () => kerasAdagrad(0.1, 0.1, 1e-7)],
  [
    'Adagrad with another accumulator start',
    { className: 'Adagrad', config: { learningRate: 0.1, initialAccumulatorValue: 1, epsilon: 0.01 } },
    () => kerasAdagrad(0.1, 1, 0.01),
  ],
];

function run(opt: Optimizer, steps: number): Float32Array {
  const w = variable();
  for (let t = 1; t <= steps; t++) opt.applyGradients([w], [gradTensor(t)]);
  return w.value.data() as Float32Array;
}

describe.each(backendNames())('optimizers against the Keras formulas (%s backend)', (backend) => {
  test.each(cases)('%s: six steps', (_, id, reference) => {
    onBackend(backend, () => {
      const step = reference();
      const expected = initial();
      for (let t = 1; t <= 6; t++) step(expected, gradientAt(t), t);
      const opt = optimizer(id);
      expectClose(run(opt, 6), expected);
      expect(opt.iterations).toBe(6);
    });
  });
});

describe('options that change the update', () => {
  // Guards the reference comparisons: each of these options must make a visible difference.
  test.each([
    ['nesterov', { className: 'SGD', config: { momentum: 0.9 } }, { momentum: 0.9, nesterov: true }],
    ['amsgrad', { className: 'Adam', config: { beta2: 0.5 } }, { amsgrad: true }],
    ['centered', { className: 'RMSprop', config: {} }, { centered: true }],
    ['weightDecay', { className: 'Adam', config: {} }, { weightDecay: 0.5 }],
  ] as const)('%s', (_, base, changed) => {
    const plain = run(optimizer({ className: base.className, config: { ...base.config } }), 4);
    const other = run(optimizer({ className: base.className, config: { ...base.config, ...changed } }), 4);
    const difference = Math.max(...other.map((x, i) => Math.abs(x - plain[i])));
    expect(difference).toBeGreaterThan(1e-4);
  });
});
