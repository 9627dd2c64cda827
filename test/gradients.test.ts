import * as dl from 'deepline';
import { randomNormal, randomUniform, type Tensor, tensor } from 'deepline';
import { describe, test } from 'vitest';
import { checkGradients } from './helpers/gradcheck.js';

// Every differentiable op, checked against float64 central differences (tolerances in
// helpers/gradcheck.ts) on random inputs: odd sizes, size-1 dimensions and broadcasting.

const r = (shape: number[], seed: number) => randomNormal(shape, { seed });
/** Values away from zero, for ops with a pole or a kink there. */
const positive = (shape: number[], seed: number) => randomUniform(shape, { minval: 0.5, maxval: 2, seed });
const indices = (values: number[], shape = [values.length]) => tensor(new Int32Array(values), { shape });

type Case = [name: string, f: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]];

const elementwise: Case[] = [
  ['add, broadcast [3,1] + [4]', dl.add, () => [r([3, 1], 1), r([4], 2)]],
  ['sub, broadcast [2,3,5] − [3,1]', dl.sub, () => [r([2, 3, 5], 3), r([3, 1], 4)]],
  ['mul, [1,5] · [3,1]', dl.mul, () => [r([1, 5], 5), r([3, 1], 6)]],
  ['div', dl.div, () => [r([3, 4], 7), positive([4], 8)]],
  ['pow', dl.pow, () => [positive([2, 3], 9), r([2, 3], 10)]],
  ['maximum', dl.maximum, () => [r([5, 3], 11), r([5, 1], 12)]],
  ['minimum', dl.minimum, () => [r([7], 13), r([1], 14)]],
  ['neg', dl.neg, () => [r([3, 3], 15)]],
  ['abs', dl.abs, () => [r([9], 16)]],
  ['exp', dl.exp, () => [r([2, 5], 17)]],
  ['expm1', dl.expm1, () => [r([4], 18)]],
  ['log', dl.log, () => [positive([3, 2], 19)]],
  ['log1p', dl.log1p, () => [positive([5], 20)]],
  ['sqrt', dl.sqrt, () => [positive([3, 3], 21)]],
  ['rsqrt', dl.rsqrt, () => [positive([7], 22)]],
  ['square', dl.square, () => [r([1, 6], 23)]],
  ['reciprocal', dl.reciprocal, () => [positive([4], 24)]],
  ['sigmoid', dl.sigmoid, () => [r([3, 5], 25)]],
  ['tanh', dl.tanh, () => [r([3, 5], 26)]],
  ['erf', dl.erf, () => [r([11], 27)]],
  ['sin', dl.sin, () => [r([5], 28)]],
  ['cos', dl.cos, () => [r([5], 29)]],
  ['where', (a, b) => dl.where(dl.greater(a, b), a, b), () => [r([4, 3], 30), r([3], 31)]],
  ['clip', (x) => dl.clip(x, -0.5, 0.7), () => [r([13], 32)]],
];

const activations: Case[] = [
  ['relu', dl.relu, () => [r([3, 7], 40)]],
  ['relu6', dl.relu6, () => [dl.mul(r([3, 7], 41), 5)]],
  ['leakyRelu', (x) => dl.leakyRelu(x, 0.1), () => [r([9], 42)]],
  ['elu', (x) => dl.elu(x), () => [r([2, 5], 43)]],
  ['selu', dl.selu, () => [r([2, 5], 44)]],
  ['gelu', (x) => dl.gelu(x), () => [r([3, 4], 45)]],
  ['gelu (tanh approximation)', (x) => dl.gelu(x, true), () => [r([3, 4], 46)]],
  ['softplus', dl.softplus, () => [r([8], 47)]],
  ['softmax, last axis', (x) => dl.softmax(x), () => [r([3, 5], 48)]],
  ['softmax, axis 0', (x) => dl.softmax(x, 0), () => [r([4, 2], 49)]],
  ['logSoftmax', (x) => dl.logSoftmax(x), () => [r([2, 3, 4], 50)]],
  ['softmaxCrossEntropy', (x) => dl.softmaxCrossEntropy(dl.softmax(r([4, 5], 51)), x), () => [r([4, 5], 52)]],
  [
    'sparseSoftmaxCrossEntropy',
    (x) => dl.sparseSoftmaxCrossEntropy(indices([0, 3, 2]), x),
    () => [r([3, 4], 53)],
  ],
  [
    'sigmoidCrossEntropy',
    (x) => dl.sigmoidCrossEntropy(randomUniform([6], { seed: 54 }), x),
    () => [r([6], 55)],
  ],
  ['dropout (fixed seed)', (x) => dl.dropout(x, 0.4, { seed: 56 }), () => [r([5, 4], 57)]],
];

const reductions: Case[] = [
  ['sum, all axes', (x) => dl.sum(x), () => [r([3, 4], 60)]],
  ['sum, axis 1 keepDims', (x) => dl.sum(x, 1, { keepDims: true }), () => [r([2, 3, 4], 61)]],
  ['sum, axes [0, 2]', (x) => dl.sum(x, [0, 2]), () => [r([2, 3, 5], 62)]],
  ['mean, axis -1', (x) => dl.mean(x, -1), () => [r([3, 7], 63)]],
  ['max, axis 0', (x) => dl.max(x, 0), () => [r([5, 3], 64)]],
  ['min, axes [1, 2]', (x) => dl.min(x, [1, 2]), () => [r([2, 3, 3], 65)]],
  ['variance, axis 1', (x) => dl.variance(x, 1), () => [r([3, 6], 66)]],
  ['logSumExp, axis 1', (x) => dl.logSumExp(x, 1), () => [r([4, 5], 67)]],
];

const linearAlgebra: Case[] = [
  ['matMul [3,4]·[4,5]', (a, b) => dl.matMul(a, b), () => [r([3, 4], 70), r([4, 5], 71)]],
  [
    'matMul transposeA',
    (a, b) => dl.matMul(a, b, { transposeA: true }),
    () => [r([4, 3], 72), r([4, 2], 73)],
  ],
  [
    'matMul transposeB',
    (a, b) => dl.matMul(a, b, { transposeB: true }),
    () => [r([3, 4], 74), r([5, 4], 75)],
  ],
  [
    'matMul both transposed',
    (a, b) => dl.matMul(a, b, { transposeA: true, transposeB: true }),
    () => [r([4, 3], 76), r([5, 4], 77)],
  ],
  [
    'matMul batched, broadcast [2,1,3,4]·[5,4,2]',
    (a, b) => dl.matMul(a, b),
    () => [r([2, 1, 3, 4], 78), r([5, 4, 2], 79)],
  ],
  ['matMul batched · shared matrix', (a, b) => dl.matMul(a, b), () => [r([3, 2, 5], 80), r([5, 1], 81)]],
];

for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
  linearAlgebra.push([
    `matMul fused with bias and ${activation}`,
    (a, b, bias) => dl.matMul(a, b, { bias, activation }),
    () => [r([5, 4], 82), r([4, 3], 83), r([3], 84)],
  ]);
}

const shapes: Case[] = [
  ['reshape', (x) => dl.reshape(x, [6, -1]), () => [r([2, 3, 4], 90)]],
  ['expandDims + squeeze', (x) => dl.squeeze(dl.expandDims(dl.mul(x, x), 1)), () => [r([3, 2], 91)]],
  ['transpose', (x) => dl.transpose(x, [2, 0, 1]), () => [r([2, 3, 4], 92)]],
  ['slice', (x) => dl.slice(x, [1, 0, 2], [2, -1, 3]), () => [r([4, 3, 5], 93)]],
  ['concat axis 1', (a, b) => dl.concat([a, b, a], 1), () => [r([2, 3], 94), r([2, 1], 95)]],
  ['stack axis -1', (a, b) => dl.stack([a, b], -1), () => [r([3, 2], 96), r([3, 2], 97)]],
  [
    'split',
    (x) =>
      dl.mul(
        ...((dl.split(x, [1, 3], 1) as [Tensor, Tensor]).map((t) => dl.sum(t, 1, { keepDims: true })) as [
          Tensor,
          Tensor,
        ]),
      ),
    () => [r([3, 4], 98)],
  ],
  [
    'pad',
    (x) =>
      dl.pad(
        x,
        [
          [1, 0],
          [2, 3],
        ],
        0.5,
      ),
    () => [r([2, 3], 99)],
  ],
  ['tile', (x) => dl.tile(x, [2, 3]), () => [r([2, 3], 100)]],
  ['broadcastTo', (x) => dl.broadcastTo(x, [2, 3, 4]), () => [r([3, 1], 101)]],
  [
    'gather rows, repeated indices accumulate',
    (x) => dl.gather(x, indices([2, 0, 2, 1], [2, 2])),
    () => [r([3, 4], 102)],
  ],
  ['gather axis 1', (x) => dl.gather(x, indices([1, 1, 0]), 1), () => [r([2, 3, 2], 103)]],
];

const convolution: Case[] = [];
for (const padding of ['same', 'valid'] as const) {
  for (const strides of [1, 2]) {
    convolution.push([
      `conv2d ${padding}, strides ${strides}`,
      (x, f) => dl.conv2d(x, f, { padding, strides }),
      () => [r([2, 5, 6, 3], 110 + strides), r([3, 3, 3, 2], 120 + strides)],
    ]);
  }
}
convolution.push(
  [
    'conv2d dilations 2',
    (x, f) => dl.conv2d(x, f, { dilations: 2, padding: 'same' }),
    () => [r([1, 6, 5, 2], 130), r([2, 3, 2, 3], 131)],
  ],
  [
    'conv2d strides [1,2], 1×1 kernel',
    (x, f) => dl.conv2d(x, f, { strides: [1, 2] }),
    () => [r([2, 3, 5, 4], 132), r([1, 1, 4, 2], 133)],
  ],
);
for (const activation of ['relu', 'sigmoid'] as const) {
  convolution.push([
    `conv2d fused with bias and ${activation}`,
    (x, f, bias) => dl.conv2d(x, f, { padding: 'same', bias, activation }),
    () => [r([2, 4, 5, 3], 134), r([3, 3, 3, 4], 135), r([4], 136)],
  ]);
}
convolution.push(
  [
    'conv2dMaxPool, bias and relu',
    (x, f, bias) => dl.conv2dMaxPool(x, f, { bias, activation: 'relu' }),
    () => [r([2, 6, 7, 2], 137), r([3, 3, 2, 4], 138), r([4], 139)],
  ],
  [
    'conv2dMaxPool, same padding, 3×3 pool stride 2, tanh',
    (x, f, bias) =>
      dl.conv2dMaxPool(x, f, {
        padding: 'same',
        bias,
        activation: 'tanh',
        pool: { poolSize: 3, strides: 2 },
      }),
    () => [r([1, 7, 6, 3], 147), r([2, 2, 3, 5], 148), r([5], 149)],
  ],
);
for (const padding of ['same', 'valid'] as const) {
  convolution.push(
    [
      `maxPool2d 2×2 on 4×4 (divides), ${padding}`,
      (x) => dl.maxPool2d(x, { padding }),
      () => [r([2, 4, 4, 3], 140)],
    ],
    [
      `maxPool2d 2×2 on 5×5 (does not divide), ${padding}`,
      (x) => dl.maxPool2d(x, { padding }),
      () => [r([1, 5, 5, 2], 141)],
    ],
    [
      `maxPool2d 3×3 stride 2, ${padding}`,
      (x) => dl.maxPool2d(x, { poolSize: 3, strides: 2, padding }),
      () => [r([1, 7, 6, 2], 142)],
    ],
    [
      `avgPool2d 2×2 on 4×4 (divides), ${padding}`,
      (x) => dl.avgPool2d(x, { padding }),
      () => [r([2, 4, 4, 3], 143)],
    ],
    [
      `avgPool2d 2×2 on 5×5 (does not divide), ${padding}`,
      (x) => dl.avgPool2d(x, { padding }),
      () => [r([1, 5, 5, 2], 144)],
    ],
    [
      `avgPool2d 3×3 stride 2, ${padding}`,
      (x) => dl.avgPool2d(x, { poolSize: 3, strides: 2, padding }),
      () => [r([1, 7, 6, 2], 145)],
    ],
  );
}

describe.each(dl.backendNames())('gradients on the %s backend', (name) => {
  const groups: [string, Case[]][] = [
    ['elementwise', elementwise],
    ['activations and losses', activations],
    ['reductions', reductions],
    ['linear algebra', linearAlgebra],
    ['shape ops', shapes],
    ['convolution and pooling', convolution],
  ];
  for (const [group, cases] of groups) {
    describe(group, () => {
      test.each(cases)('%s', (_, f, inputs) => {
        dl.setBackend(name);
        checkGradients(f, inputs());
      });
    });
  }
});
