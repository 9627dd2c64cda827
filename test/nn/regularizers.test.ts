import { describe, expect, test } from 'vitest';
import { grad } from '../../src/autograd/grad.js';
import { l1, l1l2, l2, type Regularizer, regularizer } from '../../src/nn/regularizers.js';
import { serialize } from '../../src/nn/serialize.js';
import { tensor } from '../../src/tensor/creation.js';
import { ValueError } from '../../src/tensor/errors.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// Σ|x| = 10 and Σx² = 30.
const x = tensor([
  [1, -2],
  [3, -4],
]);

const value = (r: Regularizer, t: Tensor = x): number => {
  const p = r.penalty(t);
  expect(p.shape).toEqual([]);
  return p.item();
};

describe('regularizers: penalties', () => {
  test.each([
    ['l1 0.1', l1({ l1: 0.1 }), 1],
    ['l2 0.01', l2({ l2: 0.01 }), 0.3],
    ['l1l2 0.1 + 0.01', l1l2({ l1: 0.1, l2: 0.01 }), 1.3],
    ['l1 default 0.01', l1(), 0.1],
    ['l2 default 0.01', l2(), 0.3],
    ['l1l2 defaults to 0 and 0', l1l2(), 0],
    ['l1l2 with only l2', l1l2({ l2: 0.5 }), 15],
    ["'l1'", regularizer('l1'), 0.1],
    ["'l2'", regularizer('l2'), 0.3],
    ["'l1_l2' uses 0.01 for both", regularizer('l1_l2'), 0.4],
    ["'l1l2' uses 0.01 for both", regularizer('l1l2'), 0.4],
  ])('%s', (_name, r, expected) => {
    expect(value(r)).toBeCloseTo(expected, 6);
  });

  test('a float64 tensor gives a float64 penalty, including the zero one', () => {
    const x64 = tensor([1, -2], { dtype: 'float64' });
    expect(l2().penalty(x64).dtype).toBe('float64');
    expect(l1l2().penalty(x64).dtype).toBe('float64');
  });
});

describe('regularizers: gradients', () => {
  test.each([
    ['l1', l1({ l1: 0.1 }), (v: number) => 0.1 * Math.sign(v)],
    ['l2', l2({ l2: 0.01 }), (v: number) => 0.02 * v],
    ['l1l2', l1l2({ l1: 0.1, l2: 0.01 }), (v: number) => 0.1 * Math.sign(v) + 0.02 * v],
  ])('%s: d penalty / dx = l1·sign(x) + 2·l2·x', (_name, r, expected) => {
    const [g] = grad((t: Tensor) => r.penalty(t))(x);
    expect(g.shape).toEqual(x.shape);
    Array.from(g.data()).forEach((v, i) => {
      expect(v).toBeCloseTo(expected(x.data()[i]), 6);
    });
  });

  test('a zero penalty has a zero gradient', () => {
    const [g] = grad((t: Tensor) => l1l2().penalty(t))(x);
    expect(Array.from(g.data())).toEqual([0, 0, 0, 0]);
  });
});

describe('regularizers: identifiers and configs', () => {
  test.each([
    [l1({ l1: 0.2 }), 'L1', { l1: 0.2 }],
    [l2({ l2: 0.3 }), 'L2', { l2: 0.3 }],
    [l1l2({ l1: 0.1 }), 'L1L2', { l1: 0.1, l2: 0 }],
    [regularizer('l1_l2'), 'L1L2', { l1: 0.01, l2: 0.01 }],
  ])('%#: className %s, config %j, and it rebuilds', (r, className, config) => {
    expect(r.className).toBe(className);
    expect(r.getConfig()).toEqual(config);
    const rebuilt = regularizer(JSON.parse(JSON.stringify(serialize(r))));
    expect(rebuilt.className).toBe(className);
    expect(value(rebuilt)).toBeCloseTo(value(r), 6);
  });

  test('the class name L1L2 with no config is the zero penalty, as Keras’s class', () => {
    expect(value(regularizer({ className: 'L1L2', config: {} }))).toBe(0);
    expect(value(regularizer({ className: 'L2', config: {} }))).toBeCloseTo(0.3, 6);
  });

  test('a Regularizer passes through unchanged', () => {
    const r = l2();
    expect(regularizer(r)).toBe(r);
  });

  test('an unknown name is refused with the list of valid names', () => {
    expect(() => regularizer('l3')).toThrow(ValueError);
    expect(() => regularizer('l3')).toThrow(
      /unknown regularizer 'l3'; expected one of: .*l1, l2, l1l2, l1_l2/,
    );
  });

  test('an unknown option is refused rather than ignored', () => {
    expect(() => regularizer({ className: 'L2', config: { l1: 0.1 } })).toThrow(
      /regularizer L2: unknown option 'l1'; expected one of: l2/,
    );
  });
});

describe('regularizers: bad factors', () => {
  test.each([
    [() => l1({ l1: -0.1 }), /L1: l1 is -0.1, expected a finite number ≥ 0/],
    [() => l2({ l2: Number.NaN }), /L2: l2 is NaN, expected a finite number ≥ 0/],
    [() => l1l2({ l1: Number.POSITIVE_INFINITY }), /L1L2: l1 is Infinity/],
    [() => l1l2({ l2: -1 }), /L1L2: l2 is -1/],
    [() => regularizer({ className: 'L1', config: { l1: '0.1' } }), /L1: l1 is "0.1"/],
  ])('%# is a ValueError naming the argument', (make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });

  test('a zero factor is allowed: it switches the term off', () => {
    expect(value(l1({ l1: 0 }))).toBe(0);
  });

  test('a non-identifier is refused', () => {
    expect(() => regularizer(null as unknown as string)).toThrow(/expected a name such as 'l2'/);
  });
});
