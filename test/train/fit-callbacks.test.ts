import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  Callback,
  callbacks,
  type Logs,
  layers,
  loadModel,
  optimizers,
  randomNormal,
  sequential,
  setSeed,
  type Tensor,
  tensor,
} from '../../src/index.js';

// The built-in callbacks driven by a real fit(), as a user would use them.

function regression(n: number): { x: Tensor; y: Tensor } {
  const x = randomNormal([n, 3]);
  const w = [1, -2, 0.5];
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) y[i] += w[j] * x.values[i * 3 + j];
  return { x, y: tensor(y, { shape: [n, 1] }) };
}

const linear = (learningRate = 0.05) => {
  const m = sequential([layers.dense({ units: 1, inputShape: [3] })]);
  m.compile({ optimizer: optimizers.sgd({ learningRate }), loss: 'meanSquaredError' });
  return m;
};

const quiet = { verbose: 0 } as const;

describe('callbacks in fit', () => {
  test('EarlyStopping stops when val_loss stops improving and restores the best weights', async () => {
    setSeed(1);
    const train = regression(64);
    // Validation targets unrelated to x: val_loss gets worse as the model fits the training set.
    const val = { x: randomNormal([32, 3]), y: randomNormal([32, 1]) };
    const m = linear();
    const bestWeights: Tensor[][] = [];
    let best = Number.POSITIVE_INFINITY;
    class Spy extends Callback {
      override onEpochEnd(_epoch: number, logs: Logs) {
        if (logs.val_loss < best) {
          best = logs.val_loss;
          bestWeights[0] = this.model.getWeights();
        }
      }
    }
    const stop = callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const history = await m.fit(train.x, train.y, {
      epochs: 50,
      batchSize: 16,
      validationData: [val.x, val.y],
      callbacks: [new Spy(), stop],
      ...quiet,
    });
    expect(history.epoch.length).toBeLessThan(50);
    expect(m.getWeights().map((w) => Array.from(w.data()))).toEqual(
      bestWeights[0].map((w) => Array.from(w.data())),
    );
  });

  test('ModelCheckpoint writes loadable artifacts, only when val_loss improves with saveBestOnly', async () => {
    setSeed(2);
    const { x, y } = regression(64);
    const dir = await mkdtemp(join(tmpdir(), 'deepline-ckpt-'));
    const m = linear();
    await m.fit(x, y, {
      epochs: 3,
      batchSize: 16,
      validationSplit: 0.25,
      callbacks: [
        callbacks.modelCheckpoint({ filepath: join(dir, 'epoch-{epoch:02d}'), saveBestOnly: true }),
      ],
      ...quiet,
    });
    const saved = (await readdir(dir)).sort();
    expect(saved).toEqual(['epoch-01', 'epoch-02', 'epoch-03']);
    const restored = await loadModel(join(dir, 'epoch-03'));
    expect((restored.predict(x) as Tensor).data()).toEqual((m.predict(x) as Tensor).data());
  });

  test('CSVLogger writes one row per epoch with the logged columns', async () => {
    setSeed(3);
    const { x, y } = regression(32);
    const file = join(await mkdtemp(join(tmpdir(), 'deepline-csv-')), 'log.csv');
    const m = linear();
    const history = await m.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      validationSplit: 0.25,
      callbacks: [callbacks.csvLogger({ filename: file })],
      ...quiet,
    });
    const rows = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(rows[0]).toBe('epoch,loss,val_loss');
    expect(rows).toHaveLength(4);
    expect(Number(rows[3].split(',')[1])).toBeCloseTo(history.history.loss[2], 5);
  });

  test('ReduceLROnPlateau lowers the optimizer rate; LearningRateScheduler sets it per epoch', async () => {
    setSeed(4);
    const { x, y } = regression(32);
    const m = linear(0.01);
    await m.fit(x, y, {
      epochs: 4,
      batchSize: 32,
      // A loss that cannot improve by 10 per epoch: every epoch is a plateau.
      callbacks: [callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 0, minDelta: 10 })],
      ...quiet,
    });
    // The first epoch sets the best value; each of the other three is a plateau.
    expect(m.optimizer.learningRate).toBeCloseTo(0.01 / 8, 8);

    const rates: number[] = [];
    class Rate extends Callback {
      override onEpochEnd() {
        rates.push(this.model.optimizer.learningRate);
      }
    }
    await m.fit(x, y, {
      epochs: 3,
      callbacks: [callbacks.learningRateScheduler((epoch) => 0.1 / (epoch + 1)), new Rate()],
      ...quiet,
    });
    expect(rates.map((r) => Number(r.toPrecision(6)))).toEqual([0.1, 0.05, Number((0.1 / 3).toPrecision(6))]);
  });

  test('TerminateOnNaN ends training on the first non-finite loss', async () => {
    const { x, y } = regression(64);
    const m = linear(1e6);
    const history = await m.fit(x, y, {
      epochs: 20,
      batchSize: 8,
      callbacks: [callbacks.terminateOnNaN()],
      ...quiet,
    });
    expect(history.epoch.length).toBeLessThan(20);
    expect(m.optimizer.iterations).toBeLessThan(20 * 8);
  });
});
