import { tensor } from 'deepline';
import { describe, expect, test } from 'vitest';
import type { Serialized } from '../../src/nn/serialize.js';
import { Variable } from '../../src/nn/variable.js';
import { type Optimizer, optimizer } from '../../src/optim/index.js';
import { gradTensor, variable } from './helpers.js';

const schedule = {
  className: 'ExponentialDecay',
  config: { initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.5 },
};

// [config, slots per variable]
const cases: [Serialized, number][] = [
  [{ className: 'SGD', config: {} }, 0],
  [{ className: 'SGD', config: { momentum: 0.9, nesterov: true, learningRate: schedule } }, 1],
  [{ className: 'Adam', config: { learningRate: schedule } }, 2],
  [{ className: 'Adam', config: { amsgrad: true } }, 3],
  [{ className: 'AdamW', config: { learningRate: 0.01 } }, 2],
  [{ className: 'RMSprop', config: { momentum: 0.5, centered: true } }, 3],
  [{ className: 'Adagrad', config: { learningRate: 0.1 } }, 1],
];

const steps = (opt: Optimizer, vars: Variable[], from: number, to: number) => {
  for (let t = from; t <= to; t++)
    opt.applyGradients(
      vars,
      vars.map((_, i) => gradTensor(t + i)),
    );
};

describe.each(cases)('getState and setState: %j', (id, slots) => {
  test('a restored optimizer continues exactly as an uninterrupted one', () => {
    const frozen = new Variable('frozen', variable().value, false);
    const original = [variable(undefined, 'a'), frozen, variable(undefined, 'b')];
    const uninterrupted = optimizer(id);
    steps(uninterrupted, original, 1, 3);

    const state = uninterrupted.getState(original);
    expect(state).toHaveLength(1 + 2 * slots);
    expect(state[0].dtype).toBe('float32');
    expect(state[0].item()).toBe(3);

    const copies = original.map((v) => new Variable(v.name, v.value, v.trainable));
    const restored = optimizer(id);
    restored.setState(copies, state);
    expect(restored.iterations).toBe(3);
    expect(restored.learningRate).toBe(uninterrupted.learningRate);

    // Without the state, a new optimizer diverges from the uninterrupted run (where it has any).
    const fresh = original.map((v) => new Variable(v.name, v.value, v.trainable));
    steps(optimizer(id), fresh, 4, 6);

    steps(uninterrupted, original, 4, 6);
    steps(restored, copies, 4, 6);
    original.forEach((v, i) => {
      expect(Array.from(copies[i].value.data())).toEqual(Array.from(v.value.data()));
    });
    if (slots > 0 || id.config.learningRate === schedule) {
      expect(Array.from(fresh[0].value.data())).not.toEqual(Array.from(original[0].value.data()));
    }
  });
});

describe('state', () => {
  test('slots start at their initial values before any step', () => {
    const w = new Variable('w', tensor([1, 2, 3]));
    const [step, accumulator] = optimizer({
      className: 'adagrad',
      config: { initialAccumulatorValue: 0.25 },
    }).getState([w]);
    expect(step.item()).toBe(0);
    expect(Array.from(accumulator.data())).toEqual([0.25, 0.25, 0.25]);
  });

  test('setState rejects the wrong count or shapes with what it expected, and changes nothing', () => {
    const a = new Variable('dense/kernel', tensor([[1, 2]]));
    const b = new Variable('dense/bias', tensor([1]));
    const opt = optimizer('adam');
    const good = opt.getState([a, b]);
    expect(() => opt.setState([a, b], good.slice(0, 3))).toThrow(
      'Adam.setState: got 3 tensors, expected 5 (the step count, then m, v for each of 2 trainable variables)',
    );
    const wrongShape = [tensor([7]), ...good.slice(1, 4), tensor([0, 0])];
    expect(() => opt.setState([a, b], wrongShape)).toThrow(
      "Adam.setState: slot 'v' of variable 'dense/bias' has shape [2], expected the variable's shape [1]",
    );
    expect(opt.iterations).toBe(0);
    expect(() => opt.setState([a, b], [tensor([1, 2]), ...good.slice(1)])).toThrow(
      'Adam.setState: the step count (state[0]) has shape [2], expected one element',
    );
  });
});
