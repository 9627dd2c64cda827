import { describe, expect, test } from 'vitest';
import { serialize } from '../../src/nn/serialize.js';
import {
  cosineDecay,
  exponentialDecay,
  type LearningRateSchedule,
  learningRateSchedule,
  piecewiseConstantDecay,
} from '../../src/optim/index.js';

const rates = (s: LearningRateSchedule, steps: number[]) => steps.map((step) => s.rate(step));
const expectRates = (s: LearningRateSchedule, expected: Record<number, number>) => {
  const steps = Object.keys(expected).map(Number);
  rates(s, steps).forEach((rate, i) => {
    expect(rate, `step ${steps[i]}`).toBeCloseTo(expected[steps[i]], 12);
  });
};

describe('exponentialDecay', () => {
  test('continuous', () => {
    const s = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expectRates(s, { 0: 0.1, 5: 0.1 * Math.SQRT1_2, 10: 0.05, 25: 0.1 * 0.5 ** 2.5 });
  });

  test('staircase', () => {
    const s = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expectRates(s, { 0: 0.1, 9: 0.1, 10: 0.05, 19: 0.05, 20: 0.025 });
  });
});

describe('piecewiseConstantDecay', () => {
  test('each value holds up to and including its boundary', () => {
    const s = piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expectRates(s, { 0: 1, 10: 1, 11: 0.5, 20: 0.5, 21: 0.1, 1000: 0.1 });
  });
});

describe('cosineDecay', () => {
  test('a half cosine down to alpha, then flat', () => {
    const s = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
    const cosine = (f: number) => 0.5 * (1 + Math.cos(Math.PI * f));
    expectRates(s, {
      0: 0.1,
      25: 0.1 * (0.9 * cosine(0.25) + 0.1),
      50: 0.1 * 0.55,
      100: 0.01,
      300: 0.01,
    });
  });

  test('alpha defaults to 0', () => {
    expectRates(cosineDecay({ initialLearningRate: 0.2, decaySteps: 10 }), { 0: 0.2, 5: 0.1, 10: 0, 11: 0 });
  });

  test('linear warm-up from the initial rate to the target, then decay from the target', () => {
    const s = cosineDecay({
      initialLearningRate: 0.01,
      decaySteps: 100,
      warmupTarget: 0.11,
      warmupSteps: 10,
    });
    expectRates(s, { 0: 0.01, 5: 0.06, 9: 0.1, 10: 0.11, 60: 0.055, 110: 0, 500: 0 });
  });

  test('a warm-up target without warm-up steps decays from the target', () => {
    const s = cosineDecay({ initialLearningRate: 0.5, decaySteps: 10, warmupTarget: 0.2 });
    expectRates(s, { 0: 0.2, 5: 0.1, 10: 0 });
  });
});

describe('serialization', () => {
  test.each([
    exponentialDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.7, staircase: true }),
    piecewiseConstantDecay({ boundaries: [2, 5], values: [0.3, 0.2, 0.1] }),
    cosineDecay({ initialLearningRate: 0, decaySteps: 8, alpha: 0.2, warmupTarget: 0.5, warmupSteps: 4 }),
  ])('$className rebuilds from { className, config } with the same rates', (s) => {
    const rebuilt = learningRateSchedule(JSON.parse(JSON.stringify(serialize(s))));
    expect(rebuilt.className).toBe(s.className);
    const steps = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 20];
    expect(rates(rebuilt, steps)).toEqual(rates(s, steps));
  });
});
