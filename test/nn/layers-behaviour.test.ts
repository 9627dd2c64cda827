import { describe, expect, test } from 'vitest';
import { gradients } from '../../src/autograd/backward.js';
import { input } from '../../src/nn/input.js';
import * as layers from '../../src/nn/layers/index.js';
import { mul } from '../../src/ops/arithmetic.js';
import { sum } from '../../src/ops/reduce.js';
import { reshape } from '../../src/ops/reshape.js';
import { arange, tensor } from '../../src/tensor/creation.js';
import { ShapeError, ValueError } from '../../src/tensor/errors.js';
import { randomNormal, setSeed } from '../../src/tensor/random.js';
import { expectClose } from '../helpers/layer-test.js';

// What each layer computes, checked against values worked out by hand or with plain loops.

/** Row-major values as a nested array of the given shape, for building expected tensors. */
function rows(values: readonly number[], columns: number): number[][] {
  return Array.from({ length: values.length / columns }, (_, i) =>
    values.slice(i * columns, (i + 1) * columns),
  );
}

describe('Dense', () => {
  test('computes x·W + b', () => {
    const layer = layers.dense({ units: 2 });
    const x = tensor([
      [1, 2, 3],
      [-1, 0, 0.5],
    ]);
    layer.apply(x);
    const w = [
      [0.1, -0.2],
      [0.3, 0.4],
      [-0.5, 0.6],
    ];
    const b = [0.01, -0.02];
    layer.kernel!.assign(tensor(w));
    layer.bias!.assign(tensor(b));
    const expected = [
      [1, 2, 3],
      [-1, 0, 0.5],
    ].map((row) => b.map((bias, j) => row.reduce((s, v, k) => s + v * w[k][j], bias)));
    expectClose(layer.apply(x), expected);
  });

  test('applies its activation, and leaves it out when asked for logits', () => {
    const layer = layers.dense({ units: 3, activation: 'sigmoid', biasInitializer: 'ones' });
    const x = randomNormal([4, 2], { seed: 3 });
    const probabilities = layer.apply(x).data();
    const logits = layer.apply(x, { withoutActivation: true }).data();
    logits.forEach((z, i) => {
      expect(probabilities[i]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    });
    expect(Array.from(logits).some((z) => z < 0 || z > 1)).toBe(true);
  });

  test('rejects a units count that is not a positive integer', () => {
    expect(() => layers.dense({ units: 0 })).toThrow(ValueError);
    expect(() => layers.dense({ units: 2.5 })).toThrow(/units is 2.5/);
  });
});

describe('Conv2D', () => {
  // A 7×7 input and a 3×3 kernel; dilation 2 makes the kernel span 5.
  test.each([
    ['valid', 1, 1, 5],
    ['same', 1, 1, 7],
    ['valid', 2, 1, 3],
    ['same', 2, 1, 4],
    ['valid', 3, 1, 2],
    ['valid', 1, 2, 3],
    ['same', 1, 2, 7],
  ] as const)('padding %s, strides %i, dilation %i → %i', (padding, strides, dilationRate, size) => {
    const layer = layers.conv2d({ filters: 2, kernelSize: 3, padding, strides, dilationRate });
    expect(layer.apply(randomNormal([1, 7, 7, 3])).shape).toEqual([1, size, size, 2]);
    expect(layer.computeOutputShape([null, 7, 7, 3])).toEqual([null, size, size, 2]);
  });

  test('computes a cross-correlation with bias', () => {
    const layer = layers.conv2d({ filters: 1, kernelSize: 2 });
    const x = reshape(arange(9), [1, 3, 3, 1]);
    layer.apply(x);
    layer.kernel!.assign(tensor([1, 2, 3, 4], { shape: [2, 2, 1, 1] }));
    layer.bias!.assign(tensor([0.5]));
    // Each output is 1·x[i][j] + 2·x[i][j+1] + 3·x[i+1][j] + 4·x[i+1][j+1] + 0.5.
    const at = (i: number, j: number) => 3 * i + j;
    const out = [0, 1].flatMap((i) =>
      [0, 1].map((j) => at(i, j) + 2 * at(i, j + 1) + 3 * at(i + 1, j) + 4 * at(i + 1, j + 1) + 0.5),
    );
    expectClose(layer.apply(x), tensor(out, { shape: [1, 2, 2, 1] }));
  });

  test('refuses a window larger than a valid input, naming the layer', () => {
    const layer = layers.conv2d({ filters: 1, kernelSize: 5, name: 'too_big' });
    expect(() => layer.apply(input({ shape: [3, 3, 1] }))).toThrow(/too_big: a window spanning 5/);
    expect(() => layers.conv2d({ filters: 1, kernelSize: 5 }).apply(randomNormal([1, 3, 3, 1]))).toThrow(
      ShapeError,
    );
  });
});

describe('pooling and flatten', () => {
  const image = tensor(
    Array.from({ length: 16 }, (_, i) => i),
    { shape: [1, 4, 4, 1] },
  );

  test('MaxPooling2D takes the largest of each 2×2 window', () => {
    expectClose(layers.maxPooling2d().apply(image), tensor([5, 7, 13, 15], { shape: [1, 2, 2, 1] }));
  });

  test('AveragePooling2D takes the mean of each 2×2 window', () => {
    expectClose(
      layers.averagePooling2d().apply(image),
      tensor([2.5, 4.5, 10.5, 12.5], { shape: [1, 2, 2, 1] }),
    );
  });

  test('Flatten keeps row-major order and the batch', () => {
    const x = randomNormal([2, 2, 3]);
    const y = layers.flatten().apply(x);
    expect(y.shape).toEqual([2, 6]);
    expect(Array.from(y.data())).toEqual(Array.from(x.data()));
  });

  test('GlobalAveragePooling2D and GlobalMaxPooling2D reduce height and width per channel', () => {
    const x = randomNormal([2, 3, 4, 5], { seed: 11 });
    const values = x.data();
    const mean: number[] = [];
    const max: number[] = [];
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 5; c++) {
        const pixels = Array.from({ length: 12 }, (_, p) => values[(b * 12 + p) * 5 + c]);
        mean.push(pixels.reduce((s, v) => s + v, 0) / 12);
        max.push(Math.max(...pixels));
      }
    }
    expectClose(layers.globalAveragePooling2d().apply(x), rows(mean, 5));
    expectClose(layers.globalMaxPooling2d().apply(x), rows(max, 5));
  });

  test('GlobalAveragePooling1D averages over time', () => {
    const x = tensor([
      [
        [1, 10],
        [3, 20],
        [5, 60],
      ],
    ]);
    expectClose(layers.globalAveragePooling1d().apply(x), [[3, 30]]);
    expectClose(layers.globalMaxPooling1d({ keepdims: true }).apply(x), [[[5, 60]]]);
  });

  test('global poolings name the layout they expect', () => {
    const layer = layers.globalAveragePooling1d({ name: 'gap' });
    expect(() => layer.apply(randomNormal([2, 3, 4, 5]))).toThrow(
      /gap: expected inputs of shape \(batch, steps, features\), got \(None, 3, 4, 5\)/,
    );
  });
});

describe('Dropout', () => {
  test('drops about `rate` of the inputs while training and scales the rest by 1/(1 − rate)', () => {
    setSeed(1);
    const x = randomNormal([100, 100]);
    const y = layers.dropout({ rate: 0.25 }).apply(x, { training: true });
    const xs = x.data();
    const ys = y.data();
    let dropped = 0;
    ys.forEach((v, i) => {
      if (v === 0) dropped++;
      else expect(v).toBeCloseTo(xs[i] / 0.75, 5);
    });
    expect(dropped / ys.length).toBeGreaterThan(0.22);
    expect(dropped / ys.length).toBeLessThan(0.28);
  });

  test('is the identity at inference', () => {
    const x = randomNormal([3, 4]);
    expect(Array.from(layers.dropout({ rate: 0.9 }).apply(x).data())).toEqual(Array.from(x.data()));
  });

  test('with a seed, draws a different mask at each call', () => {
    const layer = layers.dropout({ rate: 0.5, seed: 42 });
    const x = randomNormal([1, 64]);
    const first = Array.from(layer.apply(x, { training: true }).data());
    const second = Array.from(layer.apply(x, { training: true }).data());
    expect(first).not.toEqual(second);
  });

  test('rejects a rate outside [0, 1)', () => {
    expect(() => layers.dropout({ rate: 1 })).toThrow(/rate is 1/);
  });
});

describe('Activation', () => {
  test('applies the named function', () => {
    const y = layers.activation({ activation: 'softmax' }).apply(randomNormal([3, 4]));
    for (const row of y.toArray() as number[][]) {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    }
    expectClose(layers.activation({ activation: 'relu' }).apply(tensor([[-1, 2]])), [[0, 2]]);
  });

  test('returns its input unchanged when the model asks for logits', () => {
    const layer = layers.activation({ activation: 'softmax' });
    const x = randomNormal([2, 3]);
    expect(Array.from(layer.apply(x, { withoutActivation: true }).data())).toEqual(Array.from(x.data()));
    expect(layer.activation).toBe('softmax');
  });

  test('rejects an unknown name when constructed', () => {
    expect(() => layers.activation({ activation: 'relux' as 'relu' })).toThrow(/unknown name "relux"/);
  });
});

describe('Reshape', () => {
  test('infers the -1 dimension', () => {
    const layer = layers.reshape({ targetShape: [-1, 6] });
    const x = randomNormal([2, 3, 4]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 2, 6]);
    expect(Array.from(y.data())).toEqual(Array.from(x.data()));
    expect(layer.computeOutputShape([null, 3, 4])).toEqual([null, 2, 6]);
    expect(layer.computeOutputShape([null, null, 4])).toEqual([null, null, 6]);
  });

  test('names both shapes when the sizes do not fit', () => {
    const layer = layers.reshape({ targetShape: [3, -1], name: 'r' });
    expect(() => layer.apply(randomNormal([2, 10]))).toThrow(
      /r: cannot reshape samples of shape \(10,\) \(10 values\) into targetShape \(3, -1\)/,
    );
    expect(() => layers.reshape({ targetShape: [4, 4] }).apply(randomNormal([2, 10]))).toThrow(ShapeError);
  });

  test('rejects a target shape with two -1 or a zero', () => {
    expect(() => layers.reshape({ targetShape: [-1, -1] })).toThrow(/at most one -1/);
    expect(() => layers.reshape({ targetShape: [0, 2] })).toThrow(ValueError);
  });
});

describe('BatchNormalization', () => {
  // Two features with very different scales and offsets.
  const x = tensor([
    [1, 100],
    [2, 300],
    [3, 500],
    [6, 700],
  ]);
  const mean = [3, 400];
  const variance = [3.5, 50000];

  test('training normalises with the batch statistics, then scales and shifts', () => {
    const layer = layers.batchNormalization({ epsilon: 1e-3 });
    layer.apply(x);
    layer.gamma!.assign(tensor([2, 0.5]));
    layer.beta!.assign(tensor([1, -1]));
    const y = layer.apply(x, { training: true });
    const expected = (x.toArray() as number[][]).map((row) =>
      row.map((v, j) => ((v - mean[j]) / Math.sqrt(variance[j] + 1e-3)) * [2, 0.5][j] + [1, -1][j]),
    );
    expectClose(y, expected, 1e-5);
  });

  test('training moves the moving statistics toward the batch ones, Keras style', () => {
    const layer = layers.batchNormalization({ momentum: 0.9 });
    layer.apply(x, { training: true });
    // moving = moving·momentum + batch·(1 − momentum), from zeros and ones.
    expectClose(layer.movingMean!.value, [0.1 * mean[0], 0.1 * mean[1]]);
    expectClose(layer.movingVariance!.value, [0.9 + 0.1 * variance[0], 0.9 + 0.1 * variance[1]], 1e-5);
    layer.apply(x, { training: true });
    expectClose(layer.movingMean!.value, [0.19 * mean[0], 0.19 * mean[1]], 1e-5);
  });

  test('inference uses the moving statistics and leaves them alone', () => {
    const layer = layers.batchNormalization({ epsilon: 0.01 });
    layer.apply(x);
    layer.movingMean!.assign(tensor([1, 200]));
    layer.movingVariance!.assign(tensor([4, 10000]));
    layer.beta!.assign(tensor([0.5, 0]));
    const y = layer.apply(x);
    const expected = (x.toArray() as number[][]).map((row) =>
      row.map((v, j) => (v - [1, 200][j]) / Math.sqrt([4, 10000][j] + 0.01) + [0.5, 0][j]),
    );
    expectClose(y, expected, 1e-5);
    expectClose(layer.movingMean!.value, [1, 200]);
  });

  test('a frozen layer keeps to its moving statistics even while training', () => {
    const layer = layers.batchNormalization();
    layer.apply(x);
    layer.trainable = false;
    const y = layer.apply(x, { training: true });
    expectClose(layer.movingMean!.value, [0, 0]);
    expectClose(y, layer.apply(x));
    expect(layer.trainableWeights).toEqual([]);
    expect(layer.nonTrainableWeights.length).toBe(4);
  });

  test('normalises each channel of channels-first images over batch, height and width', () => {
    const images = randomNormal([4, 2, 3, 3], { seed: 8, mean: 5, stddev: 3 });
    const y = layers.batchNormalization({ axis: 1, epsilon: 1e-6 }).apply(images, { training: true });
    const values = y.data();
    for (let c = 0; c < 2; c++) {
      const channel: number[] = [];
      for (let b = 0; b < 4; b++) for (let p = 0; p < 9; p++) channel.push(values[(b * 2 + c) * 9 + p]);
      const m = channel.reduce((s, v) => s + v, 0) / channel.length;
      const v = channel.reduce((s, u) => s + (u - m) ** 2, 0) / channel.length;
      expect(m).toBeCloseTo(0, 5);
      expect(v).toBeCloseTo(1, 4);
    }
  });

  test('gives the input a gradient that sums to zero per feature in training', () => {
    // The batch mean is subtracted inside the graph, so shifting every input of a feature
    // changes nothing: the gradient with respect to the inputs has no component along it.
    const layer = layers.batchNormalization();
    const leaf = randomNormal([5, 3], { seed: 2 });
    leaf.requiresGrad = true;
    const weights = randomNormal([5, 3], { seed: 4 });
    const y = layer.apply(leaf, { training: true });
    const [dx] = gradients(sum(mul(y, weights)), [leaf]);
    const columns = [0, 1, 2].map((j) => (dx.toArray() as number[][]).reduce((s, row) => s + row[j], 0));
    for (const total of columns) expect(total).toBeCloseTo(0, 5);
    expect(Array.from(dx.data()).some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  test('refuses a batch or unknown features axis, and inputs of another width', () => {
    expect(() => layers.batchNormalization({ axis: 0, name: 'bn' }).apply(randomNormal([2, 3]))).toThrow(
      /bn: axis 0 of inputs of shape \(None, 3\)/,
    );
    const layer = layers.batchNormalization({ name: 'bn2' });
    layer.apply(randomNormal([2, 3]));
    expect(() => layer.apply(randomNormal([2, 4]))).toThrow(
      /bn2: built for inputs of rank 2 with 3 features/,
    );
    expect(() => layers.batchNormalization({ momentum: 1.5 })).toThrow(/momentum is 1.5/);
  });
});

describe('LayerNormalization', () => {
  test('normalises each sample on its own', () => {
    const x = tensor([
      [1, 2, 3, 4],
      [100, 300, 200, 400],
    ]);
    const layer = layers.layerNormalization({ epsilon: 1e-6 });
    const y = layer.apply(x).toArray() as number[][];
    for (const row of y) {
      const m = row.reduce((s, v) => s + v, 0) / row.length;
      const v = row.reduce((s, u) => s + (u - m) ** 2, 0) / row.length;
      expect(m).toBeCloseTo(0, 5);
      expect(v).toBeCloseTo(1, 4);
    }
    // The first sample's output does not depend on the second.
    const alone = layer.apply(tensor([[1, 2, 3, 4]])).toArray() as number[][];
    expectClose(tensor(alone), [y[0]]);
  });

  test('scales by gamma and shifts by beta per feature', () => {
    const layer = layers.layerNormalization({ epsilon: 1e-3 });
    const x = tensor([[1, 2, 6]]);
    layer.apply(x);
    layer.gamma!.assign(tensor([1, 2, 3]));
    layer.beta!.assign(tensor([0, 1, -1]));
    const m = 3;
    const sd = Math.sqrt(((1 - m) ** 2 + (2 - m) ** 2 + (6 - m) ** 2) / 3 + 1e-3);
    expectClose(layer.apply(x), [[(1 - m) / sd, ((2 - m) / sd) * 2 + 1, ((6 - m) / sd) * 3 - 1]]);
  });

  test('normalises over several axes together', () => {
    const x = randomNormal([2, 3, 4], { seed: 5, mean: 2, stddev: 4 });
    const y = layers
      .layerNormalization({ axis: [1, 2], epsilon: 1e-6 })
      .apply(x)
      .data();
    for (let b = 0; b < 2; b++) {
      const sample = Array.from(y.slice(b * 12, (b + 1) * 12));
      expect(sample.reduce((s, v) => s + v, 0) / 12).toBeCloseTo(0, 5);
    }
  });

  test('refuses to normalise over the batch', () => {
    expect(() => layers.layerNormalization({ axis: 0, name: 'ln' }).apply(randomNormal([2, 3]))).toThrow(
      /ln: axis 0/,
    );
  });
});

describe('Embedding', () => {
  const table = [
    [0, 0.5],
    [1, 1.5],
    [2, 2.5],
    [3, 3.5],
  ];

  function layer() {
    const e = layers.embedding({ inputDim: 4, outputDim: 2, name: 'words' });
    e.apply(tensor([[0]], { dtype: 'int32' }));
    e.embeddings!.assign(tensor(table));
    return e;
  }

  test('looks up one row per id, for int32 and float32 ids alike', () => {
    const ids = [
      [3, 0, 3],
      [1, 2, 0],
    ];
    const expected = ids.map((row) => row.map((id) => table[id]));
    expectClose(layer().apply(tensor(ids, { dtype: 'int32' })), expected);
    expectClose(layer().apply(tensor(ids)), expected);
  });

  test('starts from Keras uniform(-0.05, 0.05) values', () => {
    setSeed(3);
    const e = layers.embedding({ inputDim: 50, outputDim: 20 });
    e.apply(tensor([[1]], { dtype: 'int32' }));
    const values = Array.from(e.embeddings!.value.data());
    expect(Math.max(...values)).toBeLessThanOrEqual(0.05);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.05);
    expect(Math.max(...values)).toBeGreaterThan(0.04);
  });

  test('sends each output row gradient to its id, adding up repeated ids', () => {
    const e = layer();
    const y = e.apply(tensor([[1, 3, 1]], { dtype: 'int32' }), { training: true });
    const [g] = gradients(sum(y), [e.embeddings!.value]);
    expectClose(g, [
      [0, 0],
      [2, 2],
      [0, 0],
      [1, 1],
    ]);
  });

  test('names the layer, the bad id and inputDim for an id out of range', () => {
    expect(() => layer().apply(tensor([[1, 4]], { dtype: 'int32' }))).toThrow(
      /words: id 4 is out of range for inputDim 4 \(expected 0\.\.3\)/,
    );
    expect(() => layer().apply(tensor([[-1]], { dtype: 'int32' }))).toThrow(/words: id -1 is out of range/);
    expect(() => layer().apply(tensor([[1.5]]))).toThrow(/words: id 1.5 is not a whole number/);
  });

  test('inputLength sets the expected input shape', () => {
    const e = layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 });
    expect(e.batchInputShape).toEqual([null, 3]);
    expect(() => e.apply(tensor([[1, 2]], { dtype: 'int32' }))).toThrow(ShapeError);
  });

  test('rejects a non-positive inputDim', () => {
    expect(() => layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(/inputDim is 0/);
  });
});

describe('merge layers', () => {
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);
  const b = tensor([
    [10, 20],
    [30, 40],
  ]);
  const c = tensor([
    [-1, 5],
    [0, 2],
  ]);

  test('Add, Subtract, Multiply, Average, Maximum and Minimum combine element by element', () => {
    expectClose(layers.add().apply([a, b, c]), [
      [10, 27],
      [33, 46],
    ]);
    expectClose(layers.subtract().apply([b, a]), [
      [9, 18],
      [27, 36],
    ]);
    expectClose(layers.multiply().apply([a, c]), [
      [-1, 10],
      [0, 8],
    ]);
    expectClose(layers.average().apply([a, b, c]), [
      [10 / 3, 9],
      [11, 46 / 3],
    ]);
    expectClose(layers.maximum().apply([a, c]), [
      [1, 5],
      [3, 4],
    ]);
    expectClose(layers.minimum().apply([a, c]), [
      [-1, 2],
      [0, 2],
    ]);
  });

  test('a lower-rank input broadcasts over the axes after the batch', () => {
    // (2, 3, 2) + (2, 2): each sample's vector is added to each of its 3 rows.
    const x = tensor(
      Array.from({ length: 12 }, (_, i) => i),
      { shape: [2, 3, 2] },
    );
    const y = layers.add().apply([x, b]).data();
    expect(Array.from(y)).toEqual([10, 21, 12, 23, 14, 25, 36, 47, 38, 49, 40, 51]);
  });

  test('incompatible shapes are refused with the layer and every shape named', () => {
    expect(() => layers.add({ name: 'sum' }).apply([a, randomNormal([2, 3])])).toThrow(
      /sum: inputs of shapes \(None, 2\), \(None, 3\) cannot be merged/,
    );
    expect(() => layers.multiply().apply([a, randomNormal([3, 2])])).toThrow(/batch sizes differ/);
    expect(() => layers.subtract({ name: 'diff' }).apply([a, b, c])).toThrow(
      /diff: expected a list of 2 inputs, got 3/,
    );
    expect(() => layers.add({ name: 'one' }).apply(a)).toThrow(/one: expected a list of at least 2 inputs/);
  });

  test('Concatenate joins along its axis and checks the others', () => {
    expectClose(layers.concatenate().apply([a, c]), [
      [1, 2, -1, 5],
      [3, 4, 0, 2],
    ]);
    expectClose(layers.concatenate({ axis: 0 }).apply([a, c]), [
      [1, 2],
      [3, 4],
      [-1, 5],
      [0, 2],
    ]);
    expect(() =>
      layers.concatenate({ axis: 1, name: 'cat' }).apply([randomNormal([2, 2, 3]), randomNormal([2, 2, 4])]),
    ).toThrow(/cat: inputs of shapes \(None, 2, 3\), \(None, 2, 4\) cannot be merged: dimension 2 differs/);
  });

  test('Dot of vectors is one number per sample', () => {
    expectClose(layers.dot({ axes: 1 }).apply([a, b]), [[50], [250]]);
  });

  test('Dot of matrices is a batched matrix product', () => {
    const p = randomNormal([2, 3, 4], { seed: 1 });
    const q = randomNormal([2, 4, 5], { seed: 2 });
    const pv = p.data();
    const qv = q.data();
    const expected: number[] = [];
    for (let s = 0; s < 2; s++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 5; j++) {
          let total = 0;
          for (let k = 0; k < 4; k++) total += pv[s * 12 + i * 4 + k] * qv[s * 20 + k * 5 + j];
          expected.push(total);
        }
      }
    }
    expectClose(layers.dot({ axes: [2, 1] }).apply([p, q]), tensor(expected, { shape: [2, 3, 5] }));
    // Contracting axis 1 of both: p[s]ᵀ·r[s], (4 × 3)·(3 × 5).
    const r = randomNormal([2, 3, 5], { seed: 3 });
    const rv = r.data();
    const y = layers.dot({ axes: 1 }).apply([p, r]).data();
    let total = 0;
    for (let k = 0; k < 3; k++) total += pv[12 + k * 4 + 2] * rv[15 + k * 5 + 4];
    expect(y[20 + 2 * 5 + 4]).toBeCloseTo(total, 5);
  });

  test('Dot with normalize is the cosine similarity', () => {
    const y = layers.dot({ axes: -1, normalize: true }).apply([
      tensor([
        [3, 4],
        [1, 0],
      ]),
      tensor([
        [6, 8],
        [0, 2],
      ]),
    ]);
    expectClose(y, [[1], [0]]);
  });

  test('Dot refuses axes of different sizes and the batch axis', () => {
    expect(() => layers.dot({ axes: 1, name: 'd' }).apply([a, randomNormal([2, 3])])).toThrow(
      /d: inputs of shapes \(None, 2\), \(None, 3\) cannot be merged: axis 1 of the first \(2\) differs/,
    );
    expect(() => layers.dot({ axes: 0 }).apply([a, b])).toThrow(/batch axis/);
  });
});

describe('symbolic apply', () => {
  test('a chain of layers gives each output its shape, batch unknown', () => {
    const x = input({ shape: [8, 8, 1] });
    const conv = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x);
    const pooled = layers.maxPooling2d().apply(conv);
    const flat = layers.flatten().apply(pooled);
    const out = layers.dense({ units: 10, activation: 'softmax' }).apply(flat);
    expect(conv.shape).toEqual([null, 8, 8, 4]);
    expect(pooled.shape).toEqual([null, 4, 4, 4]);
    expect(flat.shape).toEqual([null, 64]);
    expect(out.shape).toEqual([null, 10]);
    expect(out.inputs).toEqual([flat]);
  });

  test('a text model and a merge', () => {
    const ids = input({ shape: [12] });
    const vectors = layers.embedding({ inputDim: 100, outputDim: 8 }).apply(ids);
    const pooled = layers.globalAveragePooling1d().apply(vectors);
    const extra = input({ shape: [3] });
    const joined = layers.concatenate().apply([pooled, extra]);
    const grid = layers.reshape({ targetShape: [-1, 1] }).apply(joined);
    expect(vectors.shape).toEqual([null, 12, 8]);
    expect(pooled.shape).toEqual([null, 8]);
    expect(joined.shape).toEqual([null, 11]);
    expect(joined.inputs).toEqual([pooled, extra]);
    expect(grid.shape).toEqual([null, 11, 1]);
  });

  test('incompatible symbolic inputs are refused when wired', () => {
    expect(() => layers.add().apply([input({ shape: [3] }), input({ shape: [4] })])).toThrow(ShapeError);
  });
});

describe('inputShape in the config', () => {
  test('a layer refuses inputs of another shape, naming both', () => {
    const layer = layers.dense({ units: 2, inputShape: [3], name: 'first' });
    expect(() => layer.apply(randomNormal([4, 5]))).toThrow(
      /first: expected inputs of shape \(None, 3\), got \(None, 5\)/,
    );
    expect(() => layers.dense({ units: 2, inputShape: [3] }).apply(input({ shape: [5] }))).toThrow(
      ShapeError,
    );
    expect(layers.dense({ units: 2, inputShape: [3] }).apply(randomNormal([4, 3])).shape).toEqual([4, 2]);
  });
});
