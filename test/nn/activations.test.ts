import { describe, expect, test } from 'vitest';
import {
  type ActivationName,
  activation,
  fusedActivation,
  isActivationName,
} from '../../src/nn/activations.js';
import * as ops from '../../src/ops/activations.js';
import { mul } from '../../src/ops/arithmetic.js';
import { matMul } from '../../src/ops/matmul.js';
import { sum } from '../../src/ops/reduce.js';
import { sigmoid, softplus, tanh } from '../../src/ops/unary.js';
import { tensor } from '../../src/tensor/creation.js';
import { ValueError } from '../../src/tensor/errors.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// Both signs, zero, and values past relu6's cap.
const x = tensor([
  [-3, -0.5, 0, 0.5, 2, 7],
  [1, -1, 4, -8, 0.25, 6.5],
]);

const closeTo = (actual: Tensor, expected: Tensor | number[], digits = 6) => {
  expect(actual.shape).toEqual(x.shape);
  const want = Array.isArray(expected) ? expected : Array.from(expected.data());
  Array.from(actual.data()).forEach((v, i) => {
    expect(v).toBeCloseTo(want[i], digits);
  });
};

const NAMES: ActivationName[] = [
  'linear',
  'relu',
  'sigmoid',
  'softmax',
  'tanh',
  'gelu',
  'elu',
  'selu',
  'softplus',
  'leakyRelu',
  'relu6',
  'swish',
  'logSoftmax',
];

describe('activation by name', () => {
  const engine: [ActivationName, (t: Tensor) => Tensor][] = [
    ['relu', ops.relu],
    ['sigmoid', sigmoid],
    ['softmax', (t) => ops.softmax(t, -1)],
    ['tanh', tanh],
    ['gelu', (t) => ops.gelu(t, false)],
    ['elu', (t) => ops.elu(t, 1)],
    ['selu', ops.selu],
    ['softplus', softplus],
    ['leakyRelu', (t) => ops.leakyRelu(t, 0.2)],
    ['relu6', ops.relu6],
    ['swish', (t) => mul(t, sigmoid(t))],
    ['logSoftmax', (t) => ops.logSoftmax(t, -1)],
  ];

  test.each(engine)('%s is the engine op with Keras’s defaults', (name, op) => {
    closeTo(activation(name)(x), op(x));
  });

  test('linear returns its input itself', () => {
    expect(activation('linear')(x)).toBe(x);
  });

  const flat = Array.from(x.data());
  test.each([
    ['relu', (v: number) => Math.max(v, 0)],
    ['leakyRelu', (v: number) => (v > 0 ? v : 0.2 * v)],
    ['relu6', (v: number) => Math.min(Math.max(v, 0), 6)],
    ['elu', (v: number) => (v > 0 ? v : Math.expm1(v))],
    ['swish', (v: number) => v / (1 + Math.exp(-v))],
    ['softplus', (v: number) => Math.log1p(Math.exp(v))],
  ] as const)('%s matches its formula', (name, f) => {
    closeTo(activation(name)(x), flat.map(f), 5);
  });

  test('softmax and logSoftmax work over the last axis', () => {
    const rows = sum(activation('softmax')(x), -1);
    expect(Array.from(rows.data()).map((v) => Number(v.toFixed(5)))).toEqual([1, 1]);
    const fromLog = Array.from(activation('logSoftmax')(x).data()).map(Math.exp);
    closeTo(activation('softmax')(x), fromLog, 5);
  });

  test.each([
    ['leaky_relu', 'leakyRelu'],
    ['log_softmax', 'logSoftmax'],
    ['silu', 'swish'],
  ] as const)("Keras's spelling '%s' is %s", (alias, name) => {
    expect(activation(alias)).toBe(activation(name));
    expect(fusedActivation(alias)).toBe(fusedActivation(name));
  });

  test('an unknown name is a ValueError listing the valid names', () => {
    expect(() => activation('rellu')).toThrow(ValueError);
    expect(() => activation('rellu')).toThrow(
      /activation: unknown name "rellu"; expected one of: linear, relu, sigmoid, .*logSoftmax \(or the aliases leaky_relu, log_softmax, silu\)/,
    );
    expect(() => fusedActivation('rellu' as ActivationName)).toThrow(/unknown name "rellu"/);
  });
});

describe('isActivationName', () => {
  test.each(NAMES)('%s is a name', (name) => {
    expect(isActivationName(name)).toBe(true);
  });

  test('aliases, other casings and inherited properties are not names', () => {
    for (const name of ['leaky_relu', 'Relu', 'toString', 'constructor', '']) {
      expect(isActivationName(name)).toBe(false);
    }
  });
});

describe('fusedActivation', () => {
  test('exactly linear, relu, sigmoid and tanh run inside the matMul and conv2d kernels', () => {
    const table = Object.fromEntries(NAMES.map((name) => [name, fusedActivation(name)]));
    expect(table).toEqual({
      linear: 'linear',
      relu: 'relu',
      sigmoid: 'sigmoid',
      tanh: 'tanh',
      softmax: null,
      gelu: null,
      elu: null,
      selu: null,
      softplus: null,
      leakyRelu: null,
      relu6: null,
      swish: null,
      logSoftmax: null,
    });
  });

  test.each(['linear', 'relu', 'sigmoid', 'tanh'] as const)(
    'the fused %s epilogue gives what the activation gives after the product',
    (name) => {
      const a = tensor([
        [0.5, -1, 2],
        [-0.3, 0.8, -1.5],
      ]);
      const w = tensor([
        [1, -2],
        [0.5, 0.25],
        [-1, 1],
      ]);
      const fused = fusedActivation(name);
      expect(fused).not.toBeNull();
      const y = matMul(a, w, { activation: fused ?? 'linear' });
      const expected = activation(name)(matMul(a, w));
      expect(y.shape).toEqual([2, 2]);
      Array.from(y.data()).forEach((v, i) => {
        expect(v).toBeCloseTo(expected.data()[i], 6);
      });
    },
  );
});
