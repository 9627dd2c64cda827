import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import {
  Callback,
  model as functionalModel,
  gather,
  input,
  type Logs,
  layers,
  loadModel,
  Model,
  optimizers,
  randomNormal,
  randomUniform,
  sequential,
  setSeed,
  type Tensor,
  tensor,
} from '../../src/index.js';

const seedCnn = () =>
  sequential([
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ]);

/** Two Gaussian blobs per class in 4-D: a problem a small MLP learns in a few epochs. */
function blobs(n: number, classes = 3): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  const noise = randomNormal([n, 4]).values;
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === y[i] ? 2 : 0) + 0.5 * noise[i * 4 + j];
  }
  return { x: tensor(x, { shape: [n, 4] }), y: tensor(y) };
}

const mlp = () =>
  sequential([
    layers.dense({ units: 16, activation: 'relu', inputShape: [4] }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ]);

const quiet = { verbose: 0 } as const;

describe('Sequential', () => {
  test("summary prints Keras's table for the seed CNN with 693,962 parameters", () => {
    const lines: string[] = [];
    const text = seedCnn().summary((line) => lines.push(line));
    expect(text).toContain('Total params: 693,962');
    expect(text).toContain('Trainable params: 693,962');
    expect(text).toContain('Non-trainable params: 0');
    expect(text).toMatch(/conv2d(_\d+)? \(Conv2D\)\s+\(None, 26, 26, 32\)\s+320/);
    expect(text).toMatch(/\(None, 13, 13, 32\)\s+0/);
    expect(text).toMatch(/\(None, 5408\)/);
    expect(text).toMatch(/\(Dense\)\s+\(None, 128\)\s+692,352/);
    expect(lines.join('\n')).toBe(text);
  });

  test('a model without inputShape is built by the first data it sees', () => {
    const m = sequential([layers.dense({ units: 2 })]);
    expect(m.built).toBe(false);
    const y = m.predict(randomNormal([5, 3])) as Tensor;
    expect(y.shape).toEqual([5, 2]);
    expect(m.countParams()).toBe(8);
  });

  test('fit learns a separable problem, logging loss, accuracy and val_ metrics per epoch', async () => {
    setSeed(1);
    const { x, y } = blobs(600);
    const m = mlp();
    m.compile({
      optimizer: optimizers.adam({ learningRate: 0.01 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const history = await m.fit(x, y, { epochs: 8, batchSize: 32, validationSplit: 0.2, ...quiet });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const { loss, accuracy, val_loss, val_accuracy } = history.history;
    expect(loss[7]).toBeLessThan(loss[0]);
    expect(accuracy[7]).toBeGreaterThan(0.9);
    expect(val_accuracy[7]).toBeGreaterThan(0.9);
    expect(val_loss).toHaveLength(8);
    const evaluated = await m.evaluate(x, y, { batchSize: 100 });
    expect(Object.keys(evaluated)).toEqual(['loss', 'accuracy']);
    expect(evaluated.accuracy).toBeGreaterThan(0.9);
  });

  test('the same seed gives the same history, digit for digit', async () => {
    const run = async () => {
      setSeed(7);
      const { x, y } = blobs(200);
      const m = mlp();
      m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return (await m.fit(x, y, { epochs: 2, batchSize: 16, ...quiet })).history;
    };
    expect(await run()).toEqual(await run());
  });

  test('a conv followed by max pooling runs fused and gives what the layers give one by one', () => {
    setSeed(3);
    const m = seedCnn();
    const x = randomUniform([4, 28, 28, 1]);
    const fused = m.predict(x) as Tensor;
    let y = x;
    for (const layer of m.layers) y = layer.apply(y);
    expect(fused.shape).toEqual(y.shape);
    const gap = Math.max(...Array.from(y.data(), (v, k) => Math.abs(v - fused.values[k])));
    expect(gap).toBeLessThan(1e-5);
  });

  test('predict batches and concatenates; trainOnBatch takes one step', () => {
    setSeed(2);
    const { x, y } = blobs(70);
    const m = mlp();
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    expect((m.predict(x, { batchSize: 32 }) as Tensor).shape).toEqual([70, 3]);
    const before = m.getWeights()[0].data();
    const logs = m.trainOnBatch(x, y);
    expect(Object.keys(logs)).toEqual(['loss']);
    expect(m.getWeights()[0].data()).not.toEqual(before);
    expect(m.optimizer.iterations).toBe(1);
  });

  test('fit streams batches from an iterable of {x, y}', async () => {
    setSeed(4);
    const { x, y } = blobs(96);
    const m = mlp();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const dataset = {
      *[Symbol.iterator]() {
        for (let i = 0; i < 96; i += 32) {
          const idx = tensor(Int32Array.from({ length: 32 }, (_, k) => i + k));
          yield { x: gather(x, idx), y: gather(y, idx) };
        }
      },
    };
    const history = await m.fit(dataset, undefined, { epochs: 2, ...quiet });
    expect(history.history.loss).toHaveLength(2);
    expect(m.optimizer.iterations).toBe(6);
  });

  test('classWeight scales the loss of each class', async () => {
    setSeed(5);
    const { x, y } = blobs(90);
    const loss = async (classWeight?: Record<number, number>) => {
      setSeed(6);
      const m = mlp();
      m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      return (await m.fit(x, y, { epochs: 1, batchSize: 90, shuffle: false, classWeight, ...quiet })).history
        .loss[0];
    };
    const plain = await loss();
    expect(await loss({ 0: 2, 1: 2, 2: 2 })).toBeCloseTo(plain * 2, 4);
    await expect(loss({ 0: 1 })).rejects.toThrow(/classWeight has no weight for class 1/);
  });

  test('custom callbacks see every hook in order and can stop training', async () => {
    setSeed(8);
    const { x, y } = blobs(64);
    const m = mlp();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const events: string[] = [];
    class Recorder extends Callback {
      override onTrainBegin() {
        events.push('trainBegin');
      }
      override onEpochBegin(epoch: number) {
        events.push(`epochBegin ${epoch}`);
      }
      override onBatchEnd(batch: number, logs: Logs) {
        events.push(`batchEnd ${batch} ${typeof logs.loss}`);
      }
      override onEpochEnd(epoch: number) {
        events.push(`epochEnd ${epoch}`);
        if (epoch === 1) this.model.stopTraining = true;
      }
      override onTrainEnd() {
        events.push('trainEnd');
      }
    }
    const history = await m.fit(x, y, { epochs: 5, batchSize: 32, callbacks: [new Recorder()], ...quiet });
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batchEnd 0 number',
      'batchEnd 1 number',
      'epochEnd 0',
      'epochBegin 1',
      'batchEnd 0 number',
      'batchEnd 1 number',
      'epochEnd 1',
      'trainEnd',
    ]);
    expect(history.epoch).toEqual([0, 1]);
  });

  test('verbose 1 prints Keras-style epoch lines; verbose 0 prints nothing', async () => {
    const { x, y } = blobs(64);
    const m = mlp();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      writes.push(`${args.join(' ')}\n`);
    });
    try {
      await m.fit(x, y, { epochs: 1, batchSize: 32, ...quiet });
      expect(writes).toEqual([]);
      await m.fit(x, y, { epochs: 2, batchSize: 32, verbose: 1 });
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
    const out = writes.join('');
    expect(out).toContain('Epoch 2/2');
    expect(out).toMatch(/2\/2 \[=+\] - .*loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
  });

  test('errors: fit before compile, a bad batch size, wrong target count', async () => {
    const m = mlp();
    const { x, y } = blobs(10);
    expect(() => m.fit(x, y)).toThrow(/compile\(\{optimizer, loss\}\) first/);
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await expect(m.fit(x, y, { batchSize: 0, ...quiet })).rejects.toThrow(/batchSize is 0/);
    await expect(m.fit(x, [y, y], quiet)).rejects.toThrow(/y: the model has 1 of them, got 2/);
    await expect(m.fit(x, tensor(new Int32Array(9)), quiet)).rejects.toThrow(/same number of samples/);
  });
});

describe('functional models', () => {
  test('two embeddings concatenated into an MLP, trained on two inputs', async () => {
    setSeed(11);
    const users = input({ shape: [1] });
    const items = input({ shape: [1] });
    const u = layers.flatten().apply(layers.embedding({ inputDim: 20, outputDim: 4 }).apply(users));
    const v = layers.flatten().apply(layers.embedding({ inputDim: 30, outputDim: 4 }).apply(items));
    const h = layers.dense({ units: 8, activation: 'relu' }).apply(layers.concatenate().apply([u, v]));
    const out = layers.dense({ units: 1, activation: 'sigmoid' }).apply(h);
    const m = functionalModel({ inputs: [users, items], outputs: out });
    expect(m.countParams()).toBe(20 * 4 + 30 * 4 + (8 * 8 + 8) + (8 + 1));
    const n = 256;
    const uid = Float32Array.from({ length: n }, (_, i) => i % 20);
    const iid = Float32Array.from({ length: n }, (_, i) => (i * 7) % 30);
    const label = Float32Array.from({ length: n }, (_, i) => ((i % 20) + ((i * 7) % 30)) % 2);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const xs = [tensor(uid, { shape: [n, 1] }), tensor(iid, { shape: [n, 1] })];
    const history = await m.fit(xs, tensor(label, { shape: [n, 1] }), {
      epochs: 30,
      batchSize: 32,
      ...quiet,
    });
    expect(history.history.loss[29]).toBeLessThan(history.history.loss[0]);
    expect((m.predict(xs) as Tensor).shape).toEqual([n, 1]);
    const text = m.summary(() => {});
    expect(text).toContain('Connected to');
  });

  test('an output that does not depend on the inputs is refused', () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    expect(() => new Model({ inputs: a, outputs: layers.dense({ units: 1 }).apply(b) })).toThrow(
      /not among the model's inputs/,
    );
  });
});

describe('save and load', () => {
  const dir = () => mkdtemp(join(tmpdir(), 'deepline-model-'));

  test('the round trip gives identical predictions and resumes training identically', async () => {
    setSeed(12);
    const { x, y } = blobs(128);
    const m = mlp();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await m.fit(x, y, { epochs: 2, batchSize: 32, ...quiet });
    const path = await dir();
    await m.save(path);
    const loaded = await loadModel(path);
    expect((loaded.predict(x) as Tensor).data()).toEqual((m.predict(x) as Tensor).data());
    expect(loaded.optimizer.iterations).toBe(8);
    // One more identical step on each must keep them identical: the Adam moments were saved.
    m.trainOnBatch(x, y);
    loaded.trainOnBatch(x, y);
    expect((loaded.predict(x) as Tensor).data()).toEqual((m.predict(x) as Tensor).data());
  });

  test('functional models round trip too', async () => {
    setSeed(13);
    const a = input({ shape: [3] });
    const b = input({ shape: [3] });
    const shared = layers.dense({ units: 4, activation: 'tanh' });
    const out = layers.dense({ units: 2 }).apply(layers.add().apply([shared.apply(a), shared.apply(b)]));
    const m = functionalModel({ inputs: [a, b], outputs: out });
    const path = await dir();
    await m.save(path);
    const loaded = await loadModel(path);
    const xs = [randomNormal([5, 3]), randomNormal([5, 3])];
    expect((loaded.predict(xs) as Tensor).data()).toEqual((m.predict(xs) as Tensor).data());
    expect(loaded.countParams()).toBe(m.countParams());
  });

  test('a truncated, corrupted or newer artifact is refused with a clear error', async () => {
    const m = mlp();
    const path = await dir();
    await m.save(path);
    const weights = join(path, 'weights.bin');
    const json = join(path, 'model.json');
    const bytes = await readFile(weights);
    const text = await readFile(json, 'utf8');

    await writeFile(weights, bytes.subarray(0, bytes.length - 8));
    await expect(loadModel(path)).rejects.toThrow(
      /weights\.bin: expected \d+ bytes as model\.json says, got \d+/,
    );

    const flipped = Buffer.from(bytes);
    flipped[10] ^= 0xff;
    await writeFile(weights, flipped);
    await expect(loadModel(path)).rejects.toThrow(/checksum does not match/);

    await writeFile(weights, bytes);
    await writeFile(json, text.replace('"formatVersion": 1', '"formatVersion": 99'));
    await expect(loadModel(path)).rejects.toThrow(/format version 99 is not one this Deepline reads/);

    await writeFile(json, text.slice(0, 100));
    await expect(loadModel(path)).rejects.toThrow(/model\.json: is not valid JSON/);

    await writeFile(json, text.replace('"className": "Dense"', '"className": "Evil"'));
    await expect(loadModel(path)).rejects.toThrow(/unknown layer 'Evil'/);

    await expect(loadModel(join(path, 'nowhere'))).rejects.toThrow(/model\.json: cannot be read/);
  });
});
