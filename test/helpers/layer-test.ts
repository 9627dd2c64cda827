import { expect } from 'vitest';
import { gradients } from '../../src/autograd/backward.js';
import { input } from '../../src/nn/input.js';
import type { Layer } from '../../src/nn/layer.js';
import { layerFromConfig } from '../../src/nn/layers/index.js';
import { mul } from '../../src/ops/arithmetic.js';
import { sum } from '../../src/ops/reduce.js';
import { tensor } from '../../src/tensor/creation.js';
import { randomNormal, randomUniform, setSeed } from '../../src/tensor/random.js';
import { type NestedArray, Tensor } from '../../src/tensor/tensor.js';

export interface LayerTestSpec<C> {
  /** The factory under test (dense, conv2d…), called with `config`. */
  factory: (config: C) => Layer;
  config: C;
  /** The input's full shape, batch included; a list of shapes for a multi-input layer. */
  inputShape: readonly number[] | readonly (readonly number[])[];
  /** int32 inputs are ids drawn from [0, maxId). */
  inputDtype?: 'float32' | 'int32';
  maxId?: number;
  /** The output's full shape, batch included, as the test's author works it out. */
  outputShape: readonly number[];
  trainableWeights: number;
  nonTrainableWeights?: number;
  /** countParams(): every value of every weight. */
  params: number;
  seed?: number;
}

/**
 * Keras's run_layer_test: runs a layer on random input and checks everything that every layer
 * must get right, so that a layer's own tests can stay on what is particular to it.
 *
 * - the output shape equals the expected one, computeOutputShape's, and that of a symbolic apply;
 * - the trainable and non-trainable weight counts and the parameter count;
 * - the config survives JSON and layerFromConfig, and the rebuilt layer, given the same weights,
 *   computes the same output;
 * - every trainable weight gets a finite, non-zero gradient through the training-mode output.
 *
 * Returns the layer, its inputs and its inference output for further checks.
 */
export function runLayerTest<C>(spec: LayerTestSpec<C>): { layer: Layer; inputs: Tensor[]; output: Tensor } {
  const seed = spec.seed ?? 1234;
  setSeed(seed);
  const multi = Array.isArray(spec.inputShape[0]);
  const shapes = (multi ? spec.inputShape : [spec.inputShape]) as readonly (readonly number[])[];
  const inputs = shapes.map((shape) =>
    spec.inputDtype === 'int32'
      ? randomUniform(shape, { minval: 0, maxval: spec.maxId ?? 2, dtype: 'int32' })
      : randomNormal(shape),
  );
  const run = (layer: Layer, training = false) => layer.apply(multi ? inputs : inputs[0], { training });

  const layer = spec.factory(spec.config);
  const output = run(layer);
  const batch = shapes[0][0];
  const name = `${layer.className} ${JSON.stringify(spec.config)}`;

  // Shapes: the tensor, the declared shape, and the wired shape must all agree.
  expect(output.shape, `${name}: output shape`).toEqual(spec.outputShape);
  const sampleShapes = shapes.map((s) => [null, ...s.slice(1)]);
  const declared = layer.computeOutputShape(multi ? sampleShapes : sampleShapes[0]);
  expect([batch, ...declared.slice(1)], `${name}: computeOutputShape`).toEqual(spec.outputShape);
  expect(declared[0], `${name}: computeOutputShape keeps the batch unknown`).toBeNull();
  const wired = spec.factory(spec.config);
  const symbolic = sampleShapes.map((s) => input({ shape: s.slice(1) as number[] }));
  expect(wired.apply(multi ? symbolic : symbolic[0]).shape, `${name}: symbolic output shape`).toEqual(
    declared,
  );
  expect(wired.weights.length, `${name}: weights built from a symbolic input`).toBe(layer.weights.length);

  // Weights.
  expect(layer.trainableWeights.length, `${name}: trainable weights`).toBe(spec.trainableWeights);
  expect(layer.nonTrainableWeights.length, `${name}: non-trainable weights`).toBe(
    spec.nonTrainableWeights ?? 0,
  );
  expect(layer.countParams(), `${name}: parameter count`).toBe(spec.params);
  run(layer);
  expect(layer.weights.length, `${name}: a second call builds nothing more`).toBe(
    spec.trainableWeights + (spec.nonTrainableWeights ?? 0),
  );

  // Serialization: what model.json would hold, read back.
  const config = layer.getConfig();
  const json = JSON.parse(JSON.stringify(config));
  expect(json, `${name}: the config is plain JSON`).toEqual(config);
  const rebuilt = layerFromConfig({ className: layer.className, config: json });
  expect(rebuilt.className).toBe(layer.className);
  expect(rebuilt.constructor).toBe(layer.constructor);
  expect(JSON.parse(JSON.stringify(rebuilt.getConfig())), `${name}: config after a round trip`).toEqual(json);
  run(rebuilt);
  expect(rebuilt.weights.map((w) => w.shape)).toEqual(layer.weights.map((w) => w.shape));
  rebuilt.weights.forEach((w, i) => {
    w.assign(layer.weights[i].value);
  });
  expectClose(run(rebuilt), output, 1e-6, `${name}: the rebuilt layer's output`);

  // Gradients. A plain sum would hide some: a normalization's output sums to a constant per
  // feature, and so does a softmax's, so the output is weighted by fixed random numbers first.
  const trained = run(layer, true);
  expect(trained.shape, `${name}: training-mode output shape`).toEqual(spec.outputShape);
  const variables = layer.trainableWeights;
  if (variables.length > 0) {
    const loss = sum(mul(trained, randomNormal(trained.shape, { seed: seed + 1 })));
    const grads = gradients(
      loss,
      variables.map((v) => v.value),
    );
    grads.forEach((g, i) => {
      const what = `${name}: gradient of ${variables[i].name}`;
      expect(g.shape, what).toEqual(variables[i].shape);
      const values = Array.from(g.data());
      expect(
        values.every((v) => Number.isFinite(v)),
        `${what} is finite`,
      ).toBe(true);
      expect(
        values.some((v) => v !== 0),
        `${what} is not all zero`,
      ).toBe(true);
    });
  }
  return { layer, inputs, output };
}

/** Element-wise |actual − expected| ≤ tolerance·(1 + |expected|), with the first mismatch named. */
export function expectClose(
  actual: Tensor,
  expected: Tensor | NestedArray,
  tolerance = 1e-5,
  what = 'values',
): void {
  const reference = expected instanceof Tensor ? expected : tensor(expected);
  expect(actual.shape, `${what}: shape`).toEqual(reference.shape);
  const a = actual.data();
  const b = reference.data();
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tolerance * (1 + Math.abs(b[i])))) {
      expect.fail(`${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
    }
  }
}
