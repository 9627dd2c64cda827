import { describe, expect, test } from 'vitest';
import {
  computeFans,
  constant,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type Initializer,
  initializer,
  lecunNormal,
  lecunUniform,
  ones,
  orthogonal,
  randomNormal,
  randomUniform,
  truncatedNormal,
  varianceScaling,
  zeros,
} from '../../src/nn/initializers.js';
import { serialize } from '../../src/nn/serialize.js';
import { matMul } from '../../src/ops/matmul.js';
import { reshape } from '../../src/ops/reshape.js';
import { ValueError } from '../../src/tensor/errors.js';
import { setSeed } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

function stats(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const values = t.data();
  let total = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    total += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = total / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / values.length, min, max };
}

/** Fraction of values farther than `bound` from zero. */
function beyond(t: Tensor, bound: number): number {
  return Array.from(t.data()).filter((v) => Math.abs(v) > bound).length / t.size;
}

// A conv kernel [3, 3, 64, 128]: 73,728 values, fanIn = 9·64 = 576, fanOut = 9·128 = 1152.
const KERNEL = [3, 3, 64, 128];
const FAN_IN = 576;
const FAN_OUT = 1152;
const FAN_AVG = (FAN_IN + FAN_OUT) / 2;

// Sample mean and variance of 73,728 draws are within a few tenths of a percent of the truth;
// these bounds leave a wide margin while still catching a wrong fan or a missing constant.
function expectDistribution(t: Tensor, mean: number, variance: number): void {
  const s = stats(t);
  expect(Math.abs(s.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / t.size) + 1e-12);
  expect(s.variance / variance).toBeGreaterThan(0.97);
  expect(s.variance / variance).toBeLessThan(1.03);
}

const ALL_NAMES = [
  'glorotUniform',
  'glorotNormal',
  'heNormal',
  'heUniform',
  'lecunNormal',
  'lecunUniform',
  'zeros',
  'ones',
  'constant',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'orthogonal',
  'varianceScaling',
];

describe('initializers: shapes and dtype', () => {
  test.each(ALL_NAMES)('%s makes float32 tensors of the requested shape', (name) => {
    for (const shape of [
      [5, 3],
      [2, 2, 3, 4],
    ]) {
      const t = initializer(name).init(shape);
      expect(t.shape).toEqual(shape);
      expect(t.dtype).toBe('float32');
      expect(Array.from(t.data()).every(Number.isFinite)).toBe(true);
    }
  });

  test('constants fill with their value', () => {
    expect(zeros().init([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones().init([3]).toArray()).toEqual([1, 1, 1]);
    expect(constant({ value: -2.5 }).init([2]).toArray()).toEqual([-2.5, -2.5]);
    expect(constant().init([1]).toArray()).toEqual([0]);
  });
});

describe('initializers: fans', () => {
  test.each([
    [[], 1, 1],
    [[7], 7, 7],
    [[3, 4], 3, 4],
    [[5, 6, 7], 30, 35],
    [[3, 3, 16, 32], 144, 288],
    [[0, 4], 0, 4],
  ])('computeFans(%j) = (%d, %d)', (shape, fanIn, fanOut) => {
    expect(computeFans(shape)).toEqual({ fanIn, fanOut });
  });

  test('a conv kernel is scaled by its receptive field, the same as the equivalent dense kernel', () => {
    const conv = stats(heNormal({ seed: 3 }).init([3, 3, 16, 32]));
    const dense = stats(heNormal({ seed: 3 }).init([144, 32]));
    // Same fanIn (144), same seed and size: the same values, hence the same variance.
    expect(conv.variance).toBeCloseTo(dense.variance, 10);
    expect(conv.variance).toBeGreaterThan(0.9 * (2 / 144));
    expect(conv.variance).toBeLessThan(1.1 * (2 / 144));
  });

  test('fans below one do not divide by zero', () => {
    const t = glorotUniform({ seed: 1 }).init([0, 4]);
    expect(t.shape).toEqual([0, 4]);
    expect(Math.abs(heUniform({ seed: 1 }).init([]).item())).toBeLessThanOrEqual(Math.sqrt(6));
  });
});

describe('initializers: distributions match the Keras formulas', () => {
  const uniformLimit = (variance: number) => Math.sqrt(3 * variance);

  test.each([
    ['glorotUniform', glorotUniform, 1 / FAN_AVG],
    ['heUniform', heUniform, 2 / FAN_IN],
    ['lecunUniform', lecunUniform, 1 / FAN_IN],
  ] as const)('%s: uniform on ±√(3·variance)', (_name, make, variance) => {
    const t = make({ seed: 11 }).init(KERNEL);
    expectDistribution(t, 0, variance);
    const { min, max } = stats(t);
    const limit = uniformLimit(variance);
    expect(max).toBeLessThanOrEqual(limit);
    expect(min).toBeGreaterThanOrEqual(-limit);
    expect(max).toBeGreaterThan(0.99 * limit);
  });

  test.each([
    ['glorotNormal', glorotNormal, 1 / FAN_AVG],
    ['heNormal', heNormal, 2 / FAN_IN],
    ['lecunNormal', lecunNormal, 1 / FAN_IN],
  ] as const)(
    '%s: truncated normal rescaled so the variance is still the formula',
    (_name, make, variance) => {
      const t = make({ seed: 12 }).init(KERNEL);
      expectDistribution(t, 0, variance);
      // Truncated at two standard deviations of the underlying normal, σ = √variance / .8796…
      const cut = (2 * Math.sqrt(variance)) / 0.87962566103423978;
      expect(beyond(t, cut * 1.000001)).toBe(0);
      expect(stats(t).max).toBeGreaterThan(0.95 * cut);
    },
  );

  test('varianceScaling: each mode picks its fan, each distribution its shape', () => {
    const fanOutUniform = varianceScaling({ scale: 3, mode: 'fanOut', distribution: 'uniform', seed: 4 });
    expectDistribution(fanOutUniform.init(KERNEL), 0, 3 / FAN_OUT);

    const untruncated = varianceScaling({
      scale: 0.5,
      mode: 'fanAvg',
      distribution: 'untruncatedNormal',
      seed: 5,
    });
    const t = untruncated.init(KERNEL);
    const variance = 0.5 / FAN_AVG;
    expectDistribution(t, 0, variance);
    // An untruncated normal puts about 4.55% of its mass beyond two standard deviations.
    expect(beyond(t, 2 * Math.sqrt(variance))).toBeGreaterThan(0.04);

    const defaults = varianceScaling({ seed: 6 }).init(KERNEL);
    expectDistribution(defaults, 0, 1 / FAN_IN);
    expect(beyond(defaults, (2 / 0.87962566103423978) * Math.sqrt(1 / FAN_IN) * 1.000001)).toBe(0);
  });

  test('randomNormal, randomUniform and truncatedNormal use their options as given', () => {
    expectDistribution(randomNormal({ mean: 1, stddev: 2, seed: 7 }).init(KERNEL), 1, 4);
    const u = randomUniform({ minval: 2, maxval: 5, seed: 8 }).init(KERNEL);
    expectDistribution(u, 3.5, 9 / 12);
    expect(stats(u).min).toBeGreaterThanOrEqual(2);
    expect(stats(u).max).toBeLessThan(5);
    // Keras's TruncatedNormal does not rescale: the variance of N(0, 1) cut at ±2 is 0.7737.
    const tn = truncatedNormal({ mean: 0, stddev: 1, seed: 9 }).init(KERNEL);
    expectDistribution(tn, 0, 0.77374);
    expect(beyond(tn, 2)).toBe(0);
  });

  test('defaults are Keras’s: ±0.05 and stddev 0.05', () => {
    const u = stats(randomUniform({ seed: 1 }).init(KERNEL));
    expect(u.min).toBeGreaterThanOrEqual(-0.05);
    expect(u.max).toBeLessThan(0.05);
    expect(u.max).toBeGreaterThan(0.049);
    expectDistribution(randomNormal({ seed: 2 }).init(KERNEL), 0, 0.0025);
  });
});

describe('initializers: determinism', () => {
  test('setSeed makes the global stream repeat, and successive draws differ', () => {
    setSeed(42);
    const a = glorotUniform().init([20, 10]);
    const b = glorotUniform().init([20, 10]);
    setSeed(42);
    const c = glorotUniform().init([20, 10]);
    expect(c.toArray()).toEqual(a.toArray());
    expect(b.toArray()).not.toEqual(a.toArray());
  });

  test.each([glorotUniform, heNormal, randomNormal, randomUniform, truncatedNormal, orthogonal])(
    '%o with a seed gives the same values on every call, whatever the global seed',
    (make) => {
      setSeed(1);
      const a = make({ seed: 123 }).init([8, 6]);
      setSeed(2);
      const b = make({ seed: 123 }).init([8, 6]);
      expect(b.toArray()).toEqual(a.toArray());
      expect(make({ seed: 124 }).init([8, 6]).toArray()).not.toEqual(a.toArray());
    },
  );
});

describe('initializers: orthogonal', () => {
  /** Gram matrix of the shorter side: WᵀW for tall W, WWᵀ for wide W. */
  function gram(w: Tensor): number[][] {
    const [rows, cols] = w.shape;
    const g = rows >= cols ? matMul(w, w, { transposeA: true }) : matMul(w, w, { transposeB: true });
    return g.toArray() as number[][];
  }

  function expectScaledIdentity(g: number[][], scale: number): void {
    g.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(Math.abs(v - (i === j ? scale : 0))).toBeLessThan(1e-5 * Math.max(1, scale));
      });
    });
  }

  test.each([
    [[64, 16], 1],
    [[16, 64], 1],
    [[40, 40], 1],
    [[50, 7], 2],
    [[7, 50], 0.5],
  ])('shape %j, gain %d: the shorter side is orthonormal times the gain', (shape, gain) => {
    const w = orthogonal({ gain, seed: 5 }).init(shape);
    expect(w.shape).toEqual(shape);
    expectScaledIdentity(gram(w), gain * gain);
  });

  test('a conv kernel is orthogonal once flattened to [prod(shape[:-1]), shape[-1]]', () => {
    const w = orthogonal({ seed: 6 }).init([3, 3, 4, 8]);
    expect(w.shape).toEqual([3, 3, 4, 8]);
    expectScaledIdentity(gram(reshape(w, [36, 8])), 1);
  });

  test('it is not the identity or a permutation: the draw is random', () => {
    const w = Array.from(orthogonal({ seed: 7 }).init([10, 10]).data());
    expect(w.filter((v) => Math.abs(v) > 1e-3).length).toBeGreaterThan(80);
  });

  test('rank below 2 is refused, naming the shape', () => {
    expect(() => orthogonal().init([5])).toThrow(ValueError);
    expect(() => orthogonal().init([5])).toThrow(/Orthogonal: shape is \[5\], expected a shape of rank ≥ 2/);
  });
});

describe('initializers: identifiers and configs', () => {
  test.each([
    ['glorotUniform', 'GlorotUniform'],
    ['GlorotUniform', 'GlorotUniform'],
    ['glorot_uniform', 'GlorotUniform'],
    ['he_normal', 'HeNormal'],
    ['HeUniform', 'HeUniform'],
    ['lecun_normal', 'LecunNormal'],
    ['Zeros', 'Zeros'],
    ['ones', 'Ones'],
    ['random_normal', 'RandomNormal'],
    ['RandomUniform', 'RandomUniform'],
    ['truncated_normal', 'TruncatedNormal'],
    ['Orthogonal', 'Orthogonal'],
    ['constant', 'Constant'],
    ['variance_scaling', 'VarianceScaling'],
  ])('%s names %s', (name, className) => {
    expect(initializer(name).className).toBe(className);
  });

  test('an Initializer passes through unchanged', () => {
    const init = heNormal({ seed: 1 });
    expect(initializer(init)).toBe(init);
  });

  const configured: [string, Initializer, Record<string, unknown>][] = [
    ['glorotUniform', glorotUniform({ seed: 1 }), { seed: 1 }],
    ['glorotNormal', glorotNormal(), {}],
    ['heNormal', heNormal({ seed: 2 }), { seed: 2 }],
    ['lecunUniform', lecunUniform({ seed: 3 }), { seed: 3 }],
    ['zeros', zeros(), {}],
    ['constant', constant({ value: 0.3 }), { value: 0.3 }],
    ['randomNormal', randomNormal({ stddev: 0.2, seed: 4 }), { mean: 0, stddev: 0.2, seed: 4 }],
    ['randomUniform', randomUniform({ minval: -1, seed: 5 }), { minval: -1, maxval: 0.05, seed: 5 }],
    ['truncatedNormal', truncatedNormal({ mean: 1, seed: 6 }), { mean: 1, stddev: 0.05, seed: 6 }],
    ['orthogonal', orthogonal({ gain: 1.5, seed: 7 }), { gain: 1.5, seed: 7 }],
    [
      'varianceScaling',
      varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform', seed: 8 }),
      { scale: 2, mode: 'fanOut', distribution: 'uniform', seed: 8 },
    ],
  ];

  test.each(configured)(
    '%s: getConfig holds its options and rebuilds the same initializer',
    (_n, init, config) => {
      expect(init.getConfig()).toEqual(config);
      const rebuilt = initializer(serialize(init));
      expect(rebuilt.className).toBe(init.className);
      expect(rebuilt.getConfig()).toEqual(config);
      // A JSON round trip is what model.json does.
      const fromJson = initializer(JSON.parse(JSON.stringify(serialize(init))));
      if ('seed' in config || init.className === 'Zeros' || init.className === 'Constant') {
        expect(fromJson.init([6, 4]).toArray()).toEqual(init.init([6, 4]).toArray());
      }
    },
  );

  test('configs written by Keras (snake_case values, seed: null) are read', () => {
    const init = initializer({
      className: 'VarianceScaling',
      config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null },
    });
    expect(init.getConfig()).toEqual({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' });
    expect(initializer({ className: 'GlorotUniform', config: { seed: null } }).getConfig()).toEqual({});
  });

  test('an unknown name is refused with the list of valid names', () => {
    expect(() => initializer('glorotUnifrom')).toThrow(ValueError);
    expect(() => initializer('glorotUnifrom')).toThrow(
      /unknown initializer 'glorotUnifrom'; expected one of: glorotUniform, glorotNormal, heNormal.*orthogonal/,
    );
    expect(() => initializer({ className: 'Xavier', config: {} })).toThrow(/unknown initializer 'Xavier'/);
  });

  test('an unknown option in a config is refused rather than ignored', () => {
    expect(() => initializer({ className: 'RandomNormal', config: { stdev: 1 } })).toThrow(
      /initializer randomNormal: unknown option 'stdev'; expected one of: mean, stddev, seed/,
    );
    expect(() => initializer({ className: 'Zeros', config: { value: 1 } })).toThrow(/expected no options/);
  });

  test('bad option values are refused, naming the argument', () => {
    expect(() => varianceScaling({ scale: 0 })).toThrow(
      /VarianceScaling: scale is 0, expected a positive number/,
    );
    expect(() => varianceScaling({ mode: 'fanSideways' as 'fanIn' })).toThrow(
      /mode is "fanSideways", expected one of 'fanIn', 'fanOut', 'fanAvg'/,
    );
    expect(() => varianceScaling({ distribution: 'cauchy' as 'uniform' })).toThrow(
      /distribution is "cauchy"/,
    );
    expect(() => randomNormal({ stddev: -1 })).toThrow(/RandomNormal: stddev is -1, expected a number ≥ 0/);
    expect(() => randomUniform({ minval: 1, maxval: 0 })).toThrow(/maxval is 0, expected a number ≥ minval/);
    expect(() => constant({ value: Number.NaN })).toThrow(/Constant: value/);
    expect(() => heNormal({ seed: 1.5 })).toThrow(/HeNormal: seed is 1.5, expected an integer/);
    expect(() => initializer(42 as unknown as string)).toThrow(/expected a name such as 'glorotUniform'/);
  });
});
