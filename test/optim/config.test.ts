import { describe, expect, test } from 'vitest';
import type { Serialized } from '../../src/nn/serialize.js';
import {
  adagrad,
  adam,
  adamw,
  cosineDecay,
  exponentialDecay,
  learningRateSchedule,
  optimizer,
  piecewiseConstantDecay,
  rmsprop,
  sgd,
} from '../../src/optim/index.js';
import { gradTensor, variable } from './helpers.js';

describe('string ids', () => {
  test.each([
    ['sgd', 'SGD', { learningRate: 0.01, momentum: 0, nesterov: false }],
    ['Adam', 'Adam', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }],
    ['ADAMW', 'AdamW', { learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }],
    ['RMSProp', 'RMSprop', { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }],
    ['adagrad', 'Adagrad', { learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 }],
  ])('%s gives %s with Keras defaults', (id, className, defaults) => {
    const opt = optimizer(id);
    expect(opt.className).toBe(className);
    expect(opt.getConfig()).toMatchObject({
      clipNorm: null,
      clipValue: null,
      globalClipNorm: null,
      ...defaults,
    });
    expect(opt.learningRate).toBe(defaults.learningRate);
  });

  test('an unknown id lists the known ones', () => {
    expect(() => optimizer('adamax')).toThrow(
      "unknown optimizer 'adamax'; expected one of: sgd, adam, adamw, rmsprop, adagrad",
    );
  });

  test('an optimizer passes through as it is', () => {
    const opt = adam();
    expect(optimizer(opt)).toBe(opt);
  });
});

describe('getConfig → optimizer({ className, config })', () => {
  const schedule = cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 0.1, warmupSteps: 3 });
  test.each([
    sgd({ learningRate: 0.2, momentum: 0.8, nesterov: true, clipNorm: 1 }),
    adam({ learningRate: schedule, beta1: 0.8, amsgrad: true, globalClipNorm: 2 }),
    adamw({ weightDecay: 0.1, epsilon: 1e-5, clipValue: 0.5 }),
    rmsprop({ rho: 0.5, momentum: 0.3, centered: true, weightDecay: 0.01 }),
    adagrad({
      learningRate: exponentialDecay({
        initialLearningRate: 0.3,
        decaySteps: 2,
        decayRate: 0.9,
        staircase: true,
      }),
      initialAccumulatorValue: 0.5,
    }),
  ])('$className', (original) => {
    // Through JSON, as model.json stores it.
    const written: Serialized = JSON.parse(
      JSON.stringify({ className: original.className, config: original.getConfig() }),
    );
    const rebuilt = optimizer(written);
    expect(rebuilt.className).toBe(original.className);
    expect(rebuilt.getConfig()).toEqual(original.getConfig());
    const [a, b] = [variable(), variable()];
    for (let t = 1; t <= 4; t++) {
      original.applyGradients([a], [gradTensor(t)]);
      rebuilt.applyGradients([b], [gradTensor(t)]);
    }
    expect(Array.from(b.value.data())).toEqual(Array.from(a.value.data()));
  });

  test('a schedule is written as { className, config }', () => {
    const s = piecewiseConstantDecay({ boundaries: [5], values: [0.1, 0.01] });
    expect(sgd({ learningRate: s }).getConfig().learningRate).toEqual({
      className: 'PiecewiseConstantDecay',
      config: { boundaries: [5], values: [0.1, 0.01] },
    });
  });
});

describe('bad options are rejected, naming the option', () => {
  test.each([
    [() => adam({ learningRate: 0 }), 'Adam: learningRate is 0, expected a finite number > 0'],
    [() => sgd({ learningRate: Number.NaN }), 'SGD: learningRate is NaN, expected a finite number > 0'],
    [() => rmsprop({ learningRate: Number.POSITIVE_INFINITY }), 'RMSprop: learningRate is Infinity'],
    [() => adam({ beta1: 1 }), 'Adam: beta1 is 1, expected a number in [0, 1)'],
    [() => adamw({ beta2: -0.1 }), 'AdamW: beta2 is -0.1, expected a number in [0, 1)'],
    [() => adam({ epsilon: -1 }), 'Adam: epsilon is -1, expected a finite number ≥ 0'],
    [() => sgd({ momentum: 1.5 }), 'SGD: momentum is 1.5, expected a number in [0, 1]'],
    [() => sgd({ nesterov: 'yes' as unknown as boolean }), 'SGD: nesterov is "yes", expected true or false'],
    [() => rmsprop({ rho: 1 }), 'RMSprop: rho is 1, expected a number in [0, 1)'],
    [() => adagrad({ initialAccumulatorValue: -1 }), 'Adagrad: initialAccumulatorValue is -1'],
    [() => adamw({ weightDecay: -0.1 }), 'AdamW: weightDecay is -0.1, expected a finite number ≥ 0, or null'],
    [() => adam({ clipNorm: 0 }), 'Adam: clipNorm is 0, expected a finite number > 0'],
    [() => sgd({ clipValue: -1 }), 'SGD: clipValue is -1'],
    [
      () => adam({ clipNorm: 1, globalClipNorm: 1 }),
      'Adam: only one of clipNorm, clipValue and globalClipNorm can be set, got clipNorm and globalClipNorm',
    ],
    [
      () => adam({ learningRate: 'fast' as unknown as number }),
      'Adam: learningRate is "fast", expected a number, a learning-rate schedule',
    ],
    [
      () => optimizer({ className: 'Adam', config: { clipnorm: 1 } }),
      "Adam: unknown option 'clipnorm'; did you mean 'clipNorm'?",
    ],
    [() => optimizer({ className: 'adam', config: { beta_1: 0.9 } }), "did you mean 'beta1'?"],
    [() => sgd({ amsgrad: true } as object), "SGD: unknown option 'amsgrad' Options are: learningRate"],
    [
      () => adam({ learningRate: { className: 'Linear', config: {} } }),
      "unknown learning-rate schedule 'Linear'; expected one of: ExponentialDecay, PiecewiseConstantDecay, CosineDecay",
    ],
    [
      () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }),
      'ExponentialDecay: decaySteps is 0, expected a finite number > 0',
    ],
    [
      () =>
        learningRateSchedule({
          className: 'ExponentialDecay',
          config: { initialLearningRate: 0.1, decaySteps: 5 },
        }),
      'ExponentialDecay: decayRate is undefined, expected a finite number > 0',
    ],
    [
      () => piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.1] }),
      'PiecewiseConstantDecay: got 2 values for 2 boundaries; give one value more than boundaries',
    ],
    [
      () => piecewiseConstantDecay({ boundaries: [10, 10], values: [1, 0.5, 0.1] }),
      'PiecewiseConstantDecay: boundaries is [10,10], expected strictly increasing numbers',
    ],
    [
      () => piecewiseConstantDecay({ boundaries: [1], values: [1, -0.5] }),
      'PiecewiseConstantDecay: values[1] is -0.5, expected a finite number ≥ 0',
    ],
    [
      () => cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 }),
      'CosineDecay: alpha is 2, expected a number in [0, 1]',
    ],
    [
      () => cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmupTarget: 1, warmupSteps: 2.5 }),
      'CosineDecay: warmupSteps is 2.5, expected an integer ≥ 0',
    ],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });
});
