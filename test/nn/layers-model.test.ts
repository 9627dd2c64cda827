import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  input,
  layers,
  loadModel,
  model,
  optimizers,
  randomNormal,
  sequential,
  setSeed,
  type Tensor,
  tensor,
} from '../../src/index.js';

// The new layers inside models: trained by fit, and saved and loaded with their weights.

const quiet = { verbose: 0 } as const;

/** Sequences of ids whose class is which half of the vocabulary most of their ids come from. */
function sequences(n: number, length: number, vocabulary: number): { x: Tensor; y: Tensor } {
  const x = new Int32Array(n * length);
  const y = new Int32Array(n);
  const noise = randomNormal([n * length]).values;
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let t = 0; t < length; t++) {
      const half = Math.abs(noise[i * length + t]) < 1.5 ? y[i] : 1 - y[i];
      x[i * length + t] = half * (vocabulary / 2) + ((i + 3 * t) % (vocabulary / 2));
    }
  }
  return { x: tensor(x, { shape: [n, length] }), y: tensor(y) };
}

describe('layers in models', () => {
  test('Embedding → GlobalAveragePooling1D → Dense learns a text task', async () => {
    setSeed(21);
    const { x, y } = sequences(128, 6, 20);
    const m = sequential([
      layers.embedding({ inputDim: 20, outputDim: 8, inputLength: 6 }),
      layers.globalAveragePooling1d(),
      layers.dense({ units: 2 }),
      layers.activation({ activation: 'softmax' }),
    ]);
    m.compile({
      optimizer: optimizers.adam({ learningRate: 0.05 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const history = await m.fit(x, y, { epochs: 15, batchSize: 32, ...quiet });
    expect(history.history.loss[14]).toBeLessThan(0.7 * history.history.loss[0]);
    expect(history.history.accuracy[14]).toBeGreaterThan(0.9);
    // The softmax left out for the fused loss while training is applied by predict.
    const p = (m.predict(x) as Tensor).toArray() as number[][];
    for (const row of p) expect(row[0] + row[1]).toBeCloseTo(1, 5);
  });

  test('BatchNormalization and LayerNormalization train, and their statistics survive save and load', async () => {
    setSeed(22);
    const n = 96;
    const x = randomNormal([n, 4], { mean: 10, stddev: 5 });
    const y = tensor(
      Int32Array.from(
        x.data().filter((_, i) => i % 4 === 0),
        (v) => (v > 10 ? 1 : 0),
      ),
    );
    const m = sequential([
      layers.dense({ units: 8, inputShape: [4] }),
      layers.batchNormalization(),
      layers.activation({ activation: 'relu' }),
      layers.layerNormalization(),
      layers.dense({ units: 2, activation: 'softmax' }),
    ]);
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const history = await m.fit(x, y, { epochs: 10, batchSize: 32, ...quiet });
    expect(history.history.loss[9]).toBeLessThan(history.history.loss[0]);
    const bn = m.layers.find((l) => l.className === 'BatchNormalization')!;
    const movingMean = bn.nonTrainableWeights[0].value.data();
    expect(Array.from(movingMean).some((v) => Math.abs(v) > 0.1)).toBe(true);

    const path = await mkdtemp(join(tmpdir(), 'deepline-layers-'));
    await m.save(path);
    const loaded = await loadModel(path);
    expect(loaded.countParams()).toBe(m.countParams());
    expect((loaded.predict(x) as Tensor).data()).toEqual((m.predict(x) as Tensor).data());
  });

  test('a functional model with Dot, Multiply and Reshape round trips', async () => {
    setSeed(23);
    const a = input({ shape: [6] });
    const b = input({ shape: [6] });
    const grid = layers.reshape({ targetShape: [2, 3] });
    const similarity = layers.dot({ axes: -1, normalize: true }).apply([grid.apply(a), grid.apply(b)]);
    const gated = layers
      .multiply()
      .apply([layers.flatten().apply(similarity), layers.dense({ units: 4 }).apply(a)]);
    const m = model({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(gated) });
    const path = await mkdtemp(join(tmpdir(), 'deepline-layers-'));
    await m.save(path);
    const loaded = await loadModel(path);
    const xs = [randomNormal([3, 6]), randomNormal([3, 6])];
    expect((loaded.predict(xs) as Tensor).data()).toEqual((m.predict(xs) as Tensor).data());
  });
});
