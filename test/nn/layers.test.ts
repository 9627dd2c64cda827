import { describe, expect, test } from 'vitest';
import type { Layer } from '../../src/nn/layer.js';
import * as layers from '../../src/nn/layers/index.js';
import { expectClose, type LayerTestSpec, runLayerTest } from '../helpers/layer-test.js';

// Every built-in layer through the one declarative helper: shapes, weight counts, config round
// trip and gradients. Behaviour particular to a layer is in layers-behaviour.test.ts.

type Case = LayerTestSpec<never> & { title: string };

// Widens each factory's config type so that one table can hold every layer.
const c = <C>(title: string, spec: LayerTestSpec<C>): Case => ({ title, ...spec }) as unknown as Case;

const cases: Case[] = [
  c('Dense', {
    factory: layers.dense,
    config: { units: 3 },
    inputShape: [2, 4],
    outputShape: [2, 3],
    trainableWeights: 2,
    params: 4 * 3 + 3,
  }),
  c('Dense over the last axis of a 3-D input, without bias, softmax', {
    factory: layers.dense,
    config: { units: 3, useBias: false, activation: 'softmax' },
    inputShape: [2, 5, 4],
    outputShape: [2, 5, 3],
    trainableWeights: 1,
    params: 12,
  }),
  c('Dense with regularizers and named initializers', {
    factory: layers.dense,
    config: {
      units: 2,
      activation: 'relu',
      kernelInitializer: 'heNormal',
      biasInitializer: { className: 'Constant', config: { value: 0.5 } },
      kernelRegularizer: 'l2',
      activityRegularizer: 'l1',
      inputShape: [3],
    },
    inputShape: [4, 3],
    outputShape: [4, 2],
    trainableWeights: 2,
    params: 8,
  }),
  c('Conv2D valid', {
    factory: layers.conv2d,
    config: { filters: 2, kernelSize: 3 },
    inputShape: [2, 5, 5, 3],
    outputShape: [2, 3, 3, 2],
    trainableWeights: 2,
    params: 3 * 3 * 3 * 2 + 2,
  }),
  c('Conv2D same, strides 2, tanh', {
    factory: layers.conv2d,
    config: { filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'tanh' },
    inputShape: [2, 5, 6, 1],
    outputShape: [2, 3, 3, 4],
    trainableWeights: 2,
    params: 3 * 2 * 1 * 4 + 4,
  }),
  c('Conv2D dilated, no bias', {
    factory: layers.conv2d,
    config: { filters: 1, kernelSize: 2, dilationRate: 2, useBias: false },
    inputShape: [1, 5, 4, 2],
    outputShape: [1, 3, 2, 1],
    trainableWeights: 1,
    params: 2 * 2 * 2,
  }),
  c('MaxPooling2D', {
    factory: layers.maxPooling2d,
    config: {},
    inputShape: [2, 4, 5, 3],
    outputShape: [2, 2, 2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('AveragePooling2D same, strides 1', {
    factory: layers.averagePooling2d,
    config: { poolSize: 3, strides: 1, padding: 'same' },
    inputShape: [2, 4, 5, 3],
    outputShape: [2, 4, 5, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Flatten', {
    factory: layers.flatten,
    config: {},
    inputShape: [2, 3, 4, 5],
    outputShape: [2, 60],
    trainableWeights: 0,
    params: 0,
  }),
  c('Dropout', {
    factory: layers.dropout,
    config: { rate: 0.3, seed: 5 },
    inputShape: [2, 10],
    outputShape: [2, 10],
    trainableWeights: 0,
    params: 0,
  }),
  c('RandomTranslation', {
    factory: layers.randomTranslation,
    config: { heightFactor: [-0.2, 0.1], widthFactor: 0.2, seed: 3 },
    inputShape: [2, 6, 5, 3],
    outputShape: [2, 6, 5, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('RandomFlip', {
    factory: layers.randomFlip,
    config: { mode: 'horizontal', seed: 1 },
    inputShape: [2, 6, 5, 3],
    outputShape: [2, 6, 5, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('RandomRotation', {
    factory: layers.randomRotation,
    config: { factor: 0.1, fillMode: 'constant', interpolation: 'nearest' },
    inputShape: [2, 6, 5, 3],
    outputShape: [2, 6, 5, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Activation', {
    factory: layers.activation,
    config: { activation: 'gelu' },
    inputShape: [3, 4],
    outputShape: [3, 4],
    trainableWeights: 0,
    params: 0,
  }),
  c('Reshape with an inferred dimension', {
    factory: layers.reshape,
    config: { targetShape: [3, -1] },
    inputShape: [2, 12],
    outputShape: [2, 3, 4],
    trainableWeights: 0,
    params: 0,
  }),
  c('BatchNormalization', {
    factory: layers.batchNormalization,
    config: {},
    inputShape: [8, 3],
    outputShape: [8, 3],
    trainableWeights: 2,
    nonTrainableWeights: 2,
    params: 4 * 3,
  }),
  c('BatchNormalization over axis 1 of images (channels first)', {
    factory: layers.batchNormalization,
    config: { axis: 1, momentum: 0.9, epsilon: 1e-5, gammaRegularizer: 'l2' },
    inputShape: [4, 3, 2, 2],
    outputShape: [4, 3, 2, 2],
    trainableWeights: 2,
    nonTrainableWeights: 2,
    params: 4 * 3,
  }),
  c('BatchNormalization without center and scale', {
    factory: layers.batchNormalization,
    config: { center: false, scale: false },
    inputShape: [4, 5],
    outputShape: [4, 5],
    trainableWeights: 0,
    nonTrainableWeights: 2,
    params: 2 * 5,
  }),
  c('LayerNormalization', {
    factory: layers.layerNormalization,
    config: {},
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    trainableWeights: 2,
    params: 2 * 4,
  }),
  c('LayerNormalization over two axes', {
    factory: layers.layerNormalization,
    config: { axis: [-2, -1], center: false },
    inputShape: [2, 3, 4],
    outputShape: [2, 3, 4],
    trainableWeights: 1,
    params: 3 * 4,
  }),
  c('Embedding', {
    factory: layers.embedding,
    config: { inputDim: 10, outputDim: 4 },
    inputShape: [3, 5],
    inputDtype: 'int32',
    maxId: 10,
    outputShape: [3, 5, 4],
    trainableWeights: 1,
    params: 40,
  }),
  c('Embedding with inputLength, maskZero and a regularizer', {
    factory: layers.embedding,
    config: { inputDim: 6, outputDim: 2, inputLength: 4, maskZero: true, embeddingsRegularizer: 'l1' },
    inputShape: [2, 4],
    inputDtype: 'int32',
    maxId: 6,
    outputShape: [2, 4, 2],
    trainableWeights: 1,
    params: 12,
  }),
  c('GlobalAveragePooling2D', {
    factory: layers.globalAveragePooling2d,
    config: {},
    inputShape: [2, 4, 5, 3],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('GlobalAveragePooling2D keepdims', {
    factory: layers.globalAveragePooling2d,
    config: { keepdims: true },
    inputShape: [2, 4, 5, 3],
    outputShape: [2, 1, 1, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('GlobalMaxPooling2D', {
    factory: layers.globalMaxPooling2d,
    config: {},
    inputShape: [2, 4, 5, 3],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('GlobalAveragePooling1D', {
    factory: layers.globalAveragePooling1d,
    config: {},
    inputShape: [2, 7, 3],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('GlobalMaxPooling1D keepdims', {
    factory: layers.globalMaxPooling1d,
    config: { keepdims: true },
    inputShape: [2, 7, 3],
    outputShape: [2, 1, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Add', {
    factory: layers.add,
    config: {},
    inputShape: [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Add broadcasting a lower-rank input', {
    factory: layers.add,
    config: {},
    inputShape: [
      [2, 3, 4],
      [2, 4],
    ],
    outputShape: [2, 3, 4],
    trainableWeights: 0,
    params: 0,
  }),
  c('Subtract', {
    factory: layers.subtract,
    config: {},
    inputShape: [
      [2, 3],
      [2, 1],
    ],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Multiply', {
    factory: layers.multiply,
    config: {},
    inputShape: [
      [2, 3, 1],
      [2, 1, 4],
    ],
    outputShape: [2, 3, 4],
    trainableWeights: 0,
    params: 0,
  }),
  c('Average', {
    factory: layers.average,
    config: {},
    inputShape: [
      [2, 3],
      [2, 3],
    ],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Maximum', {
    factory: layers.maximum,
    config: {},
    inputShape: [
      [2, 3],
      [2, 3],
    ],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Minimum', {
    factory: layers.minimum,
    config: {},
    inputShape: [
      [2, 3],
      [2, 3],
    ],
    outputShape: [2, 3],
    trainableWeights: 0,
    params: 0,
  }),
  c('Concatenate', {
    factory: layers.concatenate,
    config: {},
    inputShape: [
      [2, 3],
      [2, 5],
    ],
    outputShape: [2, 8],
    trainableWeights: 0,
    params: 0,
  }),
  c('Concatenate along axis 1', {
    factory: layers.concatenate,
    config: { axis: 1 },
    inputShape: [
      [2, 2, 4],
      [2, 3, 4],
      [2, 1, 4],
    ],
    outputShape: [2, 6, 4],
    trainableWeights: 0,
    params: 0,
  }),
  c('Dot of vectors', {
    factory: layers.dot,
    config: { axes: 1 },
    inputShape: [
      [2, 4],
      [2, 4],
    ],
    outputShape: [2, 1],
    trainableWeights: 0,
    params: 0,
  }),
  c('Dot of matrices, normalized', {
    factory: layers.dot,
    config: { axes: [2, 1], normalize: true },
    inputShape: [
      [2, 3, 4],
      [2, 4, 5],
    ],
    outputShape: [2, 3, 5],
    trainableWeights: 0,
    params: 0,
  }),
  c('Dot over negative axes', {
    factory: layers.dot,
    config: { axes: [-2, -2] },
    inputShape: [
      [2, 3, 4],
      [2, 3, 5],
    ],
    outputShape: [2, 4, 5],
    trainableWeights: 0,
    params: 0,
  }),
];

describe('runLayerTest', () => {
  test.each(cases.map((spec) => [spec.title, spec] as const))('%s', (_, spec) => {
    runLayerTest(spec);
  });

  test('covers every exported layer class', () => {
    const tested = new Set<string>();
    for (const spec of cases) tested.add((spec.factory as (config: unknown) => Layer)(spec.config).className);
    const classes = Object.values(layers).flatMap((value) =>
      typeof value === 'function' && /^[A-Z]/.test(value.name) ? [value.name] : [],
    );
    expect(classes.length).toBeGreaterThan(20);
    expect(classes.filter((name) => !tested.has(name))).toEqual([]);
  });

  test('catches a layer whose computeOutputShape disagrees with its output', () => {
    class Wrong extends layers.Flatten {
      override computeOutputShape() {
        return [null, 1];
      }
    }
    expect(() =>
      runLayerTest({
        factory: () => new Wrong(),
        config: {},
        inputShape: [2, 3],
        outputShape: [2, 3],
        trainableWeights: 0,
        params: 0,
      }),
    ).toThrow(/computeOutputShape/);
  });

  test('expectClose reports the first element out of tolerance', () => {
    const { output } = runLayerTest({
      factory: layers.reshape,
      config: { targetShape: [2] },
      inputShape: [1, 2],
      outputShape: [1, 2],
      trainableWeights: 0,
      params: 0,
    });
    const [a, b] = output.data();
    expectClose(output, [[a, b]]);
    expect(() => expectClose(output, [[a, b + 1]])).toThrow(/element 1/);
  });
});

describe('a config key a layer does not know', () => {
  test.each(cases.map((spec) => [spec.title, spec] as const))('is refused by %s', (_, spec) => {
    const factory = spec.factory as (config: object) => Layer;
    const className = factory(spec.config).className;
    expect(() => factory({ ...(spec.config as object), bogus: 1 })).toThrow(
      `${className}: unknown option 'bogus'`,
    );
    expect(() =>
      layers.layerFromConfig({ className, config: { ...factory(spec.config).getConfig(), bogus: 1 } }),
    ).toThrow(`${className}: unknown option 'bogus'`);
  });

  test('is named with the options known, and the one meant when only its spelling differs', () => {
    expect(() =>
      layers.layerFromConfig({ className: 'Dense', config: { units: 3, activaton: 'relu' } }),
    ).toThrow(
      "Dense: unknown option 'activaton'; expected one of: name, trainable, inputShape, batchInputShape, " +
        'dtype, activityRegularizer, units, activation, useBias, kernelInitializer, biasInitializer, ' +
        'kernelRegularizer, biasRegularizer',
    );
    expect(() => layers.dense({ units: 3, use_bias: false } as layers.DenseConfig)).toThrow(
      "Dense: unknown option 'use_bias' (did you mean 'useBias'?)",
    );
    expect(() =>
      layers.layerFromConfig({ className: 'InputLayer', config: { shape: [2], shap: [3] } }),
    ).toThrow("InputLayer: unknown option 'shap'");
  });

  test("Keras's base keys are accepted: batchInputShape gives the input shape, dtype must be float32", () => {
    const d = layers.dense({
      units: 2,
      name: 'd',
      trainable: false,
      dtype: 'float32',
      batchInputShape: [8, 4],
    });
    expect(d.batchInputShape).toEqual([null, 4]);
    expect(d.trainable).toBe(false);
    expect(layers.layerFromConfig({ className: 'Dense', config: d.getConfig() }).getConfig()).toEqual(
      d.getConfig(),
    );
    const input = layers.layerFromConfig({
      className: 'InputLayer',
      config: { shape: [3], dtype: 'float32' },
    });
    expect(
      layers.layerFromConfig({ className: 'InputLayer', config: input.getConfig() }).getConfig(),
    ).toEqual(input.getConfig());
    expect(() => layers.dense({ units: 2, dtype: 'float64' as 'float32' })).toThrow(
      `Dense: dtype is "float64", expected 'float32', the one dtype layers compute in`,
    );
  });
});
