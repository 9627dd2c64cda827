import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { tensor } from '../../src/tensor/creation.js';
import { ValueError } from '../../src/tensor/errors.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { Callback, Logs, TrainingModel, TrainingParams } from '../../src/train/callback.js';
import {
  backupAndRestore,
  CSVLogger,
  csvLogger,
  EarlyStopping,
  earlyStopping,
  formatFilepath,
  History,
  LearningRateScheduler,
  learningRateScheduler,
  ModelCheckpoint,
  modelCheckpoint,
  ReduceLROnPlateau,
  reduceLROnPlateau,
  TerminateOnNaN,
  terminateOnNaN,
} from '../../src/train/callbacks/index.js';

class FakeOptimizer implements Optimizer {
  readonly className = 'Fake';
  readonly iterations = 0;
  rates: number[] = [];
  #rate: number;
  constructor(
    rate: number,
    readonly float32 = false,
  ) {
    this.#rate = float32 ? Math.fround(rate) : rate;
  }
  get learningRate(): number {
    return this.#rate;
  }
  setLearningRate(rate: number): void {
    this.rates.push(rate);
    this.#rate = this.float32 ? Math.fround(rate) : rate;
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
  applyGradients(): void {}
  getState(): Tensor[] {
    return [];
  }
  setState(): void {}
}

/** A model whose single weight holds the number of the epoch that last trained it. */
class FakeModel implements TrainingModel {
  stopTraining = false;
  saved: string[] = [];
  weights: Tensor[] = [tensor([-1])];
  constructor(readonly optimizer: FakeOptimizer = new FakeOptimizer(0.1)) {}
  getWeights(): Tensor[] {
    return [...this.weights];
  }
  setWeights(weights: readonly Tensor[]): void {
    this.weights = [...weights];
  }
  async save(dir: string): Promise<void> {
    this.saved.push(dir);
  }
  get weight(): number {
    return this.weights[0].item();
  }
}

interface FitOptions {
  model?: FakeModel;
  /** Per epoch, the losses of its batches (each batch logs { loss }). */
  batches?: number[][];
  metrics?: string[];
}

/**
 * Drives callbacks as fit does: hooks in order, one logs object per epoch shared by all the
 * callbacks, weights replaced by training, and a stop checked after each batch and epoch.
 * Returns the epochs that ran.
 */
async function train(callbacks: Callback[], epochs: Logs[], options: FitOptions = {}): Promise<number> {
  const model = options.model ?? new FakeModel();
  const steps = options.batches?.[0]?.length ?? 1;
  const params: TrainingParams = {
    epochs: epochs.length,
    steps,
    samples: null,
    batchSize: 32,
    verbose: 0,
    metrics: options.metrics ?? Object.keys(epochs[0] ?? {}),
  };
  model.stopTraining = false;
  for (const c of callbacks) {
    c.setModel(model);
    c.setParams(params);
  }
  const each = async (f: (c: Callback) => void | Promise<void>) => {
    for (const c of callbacks) await f(c);
  };
  await each((c) => c.onTrainBegin({}));
  let ran = 0;
  for (let epoch = 0; epoch < epochs.length && !model.stopTraining; epoch++) {
    await each((c) => c.onEpochBegin(epoch, {}));
    for (const [batch, loss] of (options.batches?.[epoch] ?? [0]).entries()) {
      await each((c) => c.onBatchBegin(batch, {}));
      model.setWeights([tensor([epoch])]);
      await each((c) => c.onBatchEnd(batch, { loss }));
      if (model.stopTraining) break;
    }
    const logs = { ...epochs[epoch] };
    await each((c) => c.onEpochEnd(epoch, logs));
    ran++;
  }
  await each((c) => c.onTrainEnd({}));
  return ran;
}

const valLoss = (...values: number[]): Logs[] => values.map((v) => ({ loss: v + 0.1, val_loss: v }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('History', () => {
  test('records epochs and each metric per epoch, and starts over for a new fit', async () => {
    const history = new History();
    await train(
      [history],
      [
        { loss: 1, val_loss: 2 },
        { loss: 0.5, val_loss: 1.5 },
      ],
    );
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history).toEqual({ loss: [1, 0.5], val_loss: [2, 1.5] });
    await train([history], [{ loss: 3 }]);
    expect(history.epoch).toEqual([0]);
    expect(history.history).toEqual({ loss: [3] });
  });
});

describe('EarlyStopping', () => {
  test('stops once patience epochs pass without improvement', async () => {
    const stopper = new EarlyStopping({ patience: 2 });
    // Best at epoch 1; epochs 2 and 3 do not improve, so training stops after epoch 3.
    const ran = await train([stopper], valLoss(1, 0.8, 0.9, 0.85, 0.7, 0.6));
    expect(ran).toBe(4);
    expect(stopper.stoppedEpoch).toBe(3);
    expect(stopper.best).toBe(0.8);
    expect(stopper.bestEpoch).toBe(1);
  });

  test('patience 0 stops at the first epoch that does not improve', async () => {
    expect(await train([new EarlyStopping()], valLoss(1, 0.9, 0.95, 0.5))).toBe(3);
  });

  test('restoreBestWeights puts back the best epoch’s weights when it stops', async () => {
    const model = new FakeModel();
    await train(
      [new EarlyStopping({ patience: 2, restoreBestWeights: true })],
      valLoss(1, 0.8, 0.9, 0.85, 0.7),
      {
        model,
      },
    );
    expect(model.weight).toBe(1);
  });

  test('without restoreBestWeights the last weights stay', async () => {
    const model = new FakeModel();
    await train([new EarlyStopping({ patience: 2 })], valLoss(1, 0.8, 0.9, 0.85, 0.7), { model });
    expect(model.weight).toBe(3);
  });

  test('restoreBestWeights also restores when training ends without stopping early (Keras 3)', async () => {
    const model = new FakeModel();
    const ran = await train(
      [new EarlyStopping({ patience: 5, restoreBestWeights: true })],
      valLoss(1, 0.5, 0.7, 0.6),
      {
        model,
      },
    );
    expect(ran).toBe(4);
    expect(model.weight).toBe(1);
  });

  test('changes smaller than minDelta are not improvements', async () => {
    expect(
      await train([new EarlyStopping({ patience: 1, minDelta: 0.05 })], valLoss(1, 0.99, 0.98, 0.97)),
    ).toBe(2);
    expect(
      await train([new EarlyStopping({ patience: 1, minDelta: 0.005 })], valLoss(1, 0.99, 0.98, 0.97)),
    ).toBe(4);
  });

  test("mode 'auto' maximizes accuracy and minimizes losses; 'max' and 'min' force a direction", async () => {
    const accuracy = [0.5, 0.6, 0.55, 0.58, 0.7].map((v) => ({ val_accuracy: v }));
    expect(await train([new EarlyStopping({ monitor: 'val_accuracy', patience: 1 })], accuracy)).toBe(3);
    // Minimizing accuracy, epoch 1 (0.6) is already worse than epoch 0.
    expect(
      await train([new EarlyStopping({ monitor: 'val_accuracy', mode: 'min', patience: 0 })], accuracy),
    ).toBe(2);
    const auc = [0.7, 0.6, 0.8].map((v) => ({ auc: v }));
    expect(await train([new EarlyStopping({ monitor: 'auc' })], auc)).toBe(2);
    expect(await train([new EarlyStopping({ mode: 'max' })], valLoss(1, 0.9, 0.8))).toBe(2);
  });

  test('until the baseline is beaten, improvements do not reset patience', async () => {
    // The third epoch is the first without improvement: with a baseline, patience ran out long ago.
    expect(
      await train([new EarlyStopping({ patience: 2, baseline: 0.5 })], valLoss(0.9, 0.8, 0.85, 0.7)),
    ).toBe(3);
    expect(await train([new EarlyStopping({ patience: 2 })], valLoss(0.9, 0.8, 0.85, 0.7))).toBe(4);
  });

  test('startFromEpoch ignores the warm-up epochs', async () => {
    const rising = valLoss(1, 2, 3, 4, 5);
    expect(await train([new EarlyStopping()], rising)).toBe(2);
    expect(await train([new EarlyStopping({ startFromEpoch: 2 })], rising)).toBe(4);
  });

  test('a NaN is never an improvement', async () => {
    const stopper = new EarlyStopping({ patience: 1 });
    expect(await train([stopper], valLoss(1, Number.NaN, 0.5))).toBe(2);
    expect(stopper.best).toBe(1);
  });

  test('one instance can serve two fits', async () => {
    const stopper = new EarlyStopping({ patience: 1 });
    expect(await train([stopper], valLoss(0.1, 0.2))).toBe(2);
    // A fresh start: the old best of 0.1 must not make 0.9 look worse.
    expect(await train([stopper], valLoss(0.9, 0.8, 0.7))).toBe(3);
  });

  test('warns once when the monitored metric is missing, and keeps training', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ran = await train([new EarlyStopping()], [{ loss: 1 }, { loss: 2 }, { loss: 3 }]);
    expect(ran).toBe(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe(
      "EarlyStopping: the monitored metric 'val_loss' is not in the logs (available: loss); " +
        'pass validation data to fit, or monitor another metric',
    );
  });

  test('verbose 1 says when it stopped and which epoch it restored', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await train([new EarlyStopping({ restoreBestWeights: true, verbose: 1 })], valLoss(1, 0.5, 0.6));
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Epoch 3: early stopping',
      'Restoring model weights from the end of the best epoch: 2.',
    ]);
  });

  test('bad options are ValueErrors naming the option', () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(ValueError);
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(
      'EarlyStopping: patience is -1, expected a non-negative integer',
    );
    expect(() => new EarlyStopping({ patience: 1.5 })).toThrow('EarlyStopping: patience is 1.5');
    expect(() => new EarlyStopping({ mode: 'up' as 'max' })).toThrow(
      `EarlyStopping: mode is "up", expected 'auto', 'min' or 'max'`,
    );
    expect(() => new EarlyStopping({ minDelta: -0.1 })).toThrow('EarlyStopping: minDelta is -0.1');
    expect(() => new EarlyStopping({ baseline: Number.NaN })).toThrow('EarlyStopping: baseline is "NaN"');
    expect(() => new EarlyStopping({ startFromEpoch: -2 })).toThrow('EarlyStopping: startFromEpoch is -2');
    expect(() => new EarlyStopping({ monitor: '' })).toThrow('EarlyStopping: monitor is ""');
  });
});

describe('ModelCheckpoint', () => {
  test('saves every epoch to a path formatted from the epoch (1-based) and the logs', async () => {
    const model = new FakeModel();
    await train(
      [new ModelCheckpoint({ filepath: 'ckpt/{epoch:02d}-{val_loss:.4f}' })],
      valLoss(0.5, 0.25, 0.125),
      {
        model,
      },
    );
    expect(model.saved).toEqual(['ckpt/01-0.5000', 'ckpt/02-0.2500', 'ckpt/03-0.1250']);
  });

  test('saveBestOnly saves only improvements, in the direction of the metric', async () => {
    const model = new FakeModel();
    await train(
      [new ModelCheckpoint({ filepath: 'best-{epoch}', saveBestOnly: true })],
      valLoss(0.5, 0.6, 0.4, 0.4),
      {
        model,
      },
    );
    expect(model.saved).toEqual(['best-1', 'best-3']);

    const byAccuracy = new FakeModel();
    const accuracy = [0.5, 0.7, 0.6, 0.8].map((v) => ({ val_accuracy: v }));
    const checkpoint = new ModelCheckpoint({
      filepath: 'acc-{epoch}',
      monitor: 'val_accuracy',
      saveBestOnly: true,
    });
    await train([checkpoint], accuracy, { model: byAccuracy });
    expect(byAccuracy.saved).toEqual(['acc-1', 'acc-2', 'acc-4']);
    expect(checkpoint.best).toBe(0.8);
  });

  test('initialValueThreshold must be beaten before the first save', async () => {
    const model = new FakeModel();
    const checkpoint = new ModelCheckpoint({
      filepath: 'm{epoch}',
      saveBestOnly: true,
      initialValueThreshold: 0.45,
    });
    await train([checkpoint], valLoss(0.5, 0.6, 0.4, 0.42), { model });
    expect(model.saved).toEqual(['m3']);
  });

  test('saveBestOnly without the metric warns once and saves nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = new FakeModel();
    await train([new ModelCheckpoint({ filepath: 'm', saveBestOnly: true })], [{ loss: 1 }, { loss: 0.5 }], {
      model,
    });
    expect(model.saved).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  test('saveFreq N saves every N batches across epochs, with {batch} 1-based', async () => {
    const model = new FakeModel();
    const batches = [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ];
    await train([new ModelCheckpoint({ filepath: '{epoch}-{batch}', saveFreq: 3 })], valLoss(1, 1), {
      model,
      batches,
    });
    expect(model.saved).toEqual(['1-3', '2-1', '2-4']);
  });

  test('a placeholder that is not logged is a ValueError listing what is', async () => {
    await expect(train([new ModelCheckpoint({ filepath: 'm-{val_acc:.2f}' })], valLoss(1))).rejects.toThrow(
      "ModelCheckpoint: filepath 'm-{val_acc:.2f}' names 'val_acc', which is not logged; available: loss, val_loss, epoch",
    );
  });

  test('formatFilepath follows Python format specs', () => {
    const values = { epoch: 7, loss: 0.123456, neg: -1.5, big: 12345.678 };
    expect(formatFilepath('{epoch}', values)).toBe('7');
    expect(formatFilepath('{epoch:03d}', values)).toBe('007');
    expect(formatFilepath('{epoch:3d}', values)).toBe('  7');
    expect(formatFilepath('{loss}', values)).toBe('0.123456');
    expect(formatFilepath('{loss:.2f}', values)).toBe('0.12');
    expect(formatFilepath('{loss:f}', values)).toBe('0.123456');
    expect(formatFilepath('{loss:.2e}', values)).toBe('1.23e-01');
    expect(formatFilepath('{big:.1e}', values)).toBe('1.2e+04');
    expect(formatFilepath('{neg:07.2f}', values)).toBe('-001.50');
    expect(formatFilepath('{{epoch}}-{epoch}', values)).toBe('{epoch}-7');
    expect(formatFilepath('{loss:.3f}', { loss: Number.NaN })).toBe('nan');
    expect(() => formatFilepath('{loss:x}', values)).toThrow("uses the format spec ':x'");
    expect(() => formatFilepath('{loss:d}', values)).toThrow('needs an integer');
  });

  test('bad options are ValueErrors naming the option', () => {
    expect(() => new ModelCheckpoint({ filepath: '' })).toThrow('ModelCheckpoint: filepath is ""');
    expect(() => new ModelCheckpoint({ filepath: 'm', saveFreq: 0 })).toThrow(
      "ModelCheckpoint: saveFreq is 0, expected 'epoch' or a positive integer number of batches",
    );
    expect(() => new ModelCheckpoint({ filepath: 'm', saveFreq: 'batch' as 'epoch' })).toThrow(ValueError);
    expect(() => new ModelCheckpoint({ filepath: 'm', mode: 'best' as 'min' })).toThrow(
      'ModelCheckpoint: mode is',
    );
  });
});

describe('ReduceLROnPlateau', () => {
  test('reduces after patience, waits out the cooldown, and stops at minLr', async () => {
    const model = new FakeModel(new FakeOptimizer(0.1));
    const history = new History();
    const plateau = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 0.02 });
    await train([plateau, history], valLoss(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), { model });
    // Epochs 2, 4 and 6 reduce (0.1 → 0.05 → 0.025 → 0.02): after each, one cooldown epoch
    // resets the count, and the next plateau epoch counts 1 again. At 0.02 nothing more happens.
    expect(model.optimizer.rates).toEqual([0.05, 0.025, 0.02]);
    // The logged rate is the one each epoch ran at.
    expect(history.history.learning_rate).toEqual([
      0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02,
    ]);
  });

  test('a longer cooldown skips counting for its epochs but the one that ends it, as in Keras', async () => {
    const model = new FakeModel(new FakeOptimizer(0.1));
    const history = new History();
    await train(
      [new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown: 2 }), history],
      valLoss(1, 1, 1, 1, 1, 1, 1, 1),
      {
        model,
      },
    );
    expect(history.history.learning_rate).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125]);
  });

  test('an improvement resets the count; one within minDelta does not', async () => {
    const model = new FakeModel();
    await train([new ReduceLROnPlateau({ patience: 2 })], valLoss(1, 1, 0.5, 0.49995, 0.5), { model });
    expect(model.optimizer.rates).toHaveLength(1);
    expect(model.optimizer.learningRate).toBeCloseTo(0.01, 12);

    const strict = new FakeModel();
    await train([new ReduceLROnPlateau({ patience: 2, minDelta: 0 })], valLoss(1, 1, 0.5, 0.49995, 0.5), {
      model: strict,
    });
    expect(strict.optimizer.rates).toEqual([]);
  });

  test('mode max for accuracy', async () => {
    const model = new FakeModel();
    const accuracy = [0.5, 0.6, 0.7, 0.65, 0.66].map((v) => ({ accuracy: v }));
    await train([new ReduceLROnPlateau({ monitor: 'accuracy', patience: 2, factor: 0.5 })], accuracy, {
      model,
    });
    expect(model.optimizer.rates).toEqual([0.05]);
  });

  test('an optimizer that keeps its rate in float32 is not reduced forever at minLr', async () => {
    const model = new FakeModel(new FakeOptimizer(0.01, true));
    await train([new ReduceLROnPlateau({ patience: 1, minLr: 0.001 })], valLoss(1, 1, 1, 1, 1, 1), { model });
    expect(model.optimizer.rates).toHaveLength(1);
    expect(model.optimizer.learningRate).toBe(Math.fround(0.001));
  });

  test('bad options are ValueErrors naming the option', () => {
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(
      'ReduceLROnPlateau: factor is 1, expected a number between 0 and 1 (exclusive)',
    );
    expect(() => new ReduceLROnPlateau({ factor: 0 })).toThrow('ReduceLROnPlateau: factor is 0');
    expect(() => new ReduceLROnPlateau({ patience: -1 })).toThrow('ReduceLROnPlateau: patience is -1');
    expect(() => new ReduceLROnPlateau({ cooldown: -1 })).toThrow('ReduceLROnPlateau: cooldown is -1');
    expect(() => new ReduceLROnPlateau({ minLr: -1 })).toThrow('ReduceLROnPlateau: minLr is -1');
    expect(() => new ReduceLROnPlateau({ mode: 'low' as 'min' })).toThrow('ReduceLROnPlateau: mode is "low"');
  });
});

describe('LearningRateScheduler', () => {
  test('sets each epoch’s rate from the schedule and logs it', async () => {
    const model = new FakeModel(new FakeOptimizer(0.1));
    const history = new History();
    const seen: [number, number][] = [];
    const scheduler = new LearningRateScheduler((epoch, lr) => {
      seen.push([epoch, lr]);
      return epoch < 2 ? lr : lr / 2;
    });
    await train([scheduler, history], valLoss(1, 1, 1, 1), { model });
    expect(seen).toEqual([
      [0, 0.1],
      [1, 0.1],
      [2, 0.1],
      [3, 0.05],
    ]);
    expect(history.history.learning_rate).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  test('a schedule that returns no usable rate is a ValueError', async () => {
    const bad = new LearningRateScheduler(() => Number.NaN);
    await expect(train([bad], valLoss(1))).rejects.toThrow(
      'LearningRateScheduler: the schedule returned NaN for epoch 0, expected a finite non-negative number',
    );
    expect(() => new LearningRateScheduler(0.1 as unknown as () => number)).toThrow(ValueError);
  });
});

describe('CSVLogger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepline-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes a header of sorted names once, then a row per epoch', async () => {
    const filename = join(dir, 'log.csv');
    const epochs = [
      { val_loss: 0.9, loss: 1, accuracy: 0.5 },
      { val_loss: 0.8, loss: 0.75, accuracy: 0.625 },
    ];
    await train([new CSVLogger({ filename })], epochs);
    expect(readFileSync(filename, 'utf8')).toBe(
      'epoch,accuracy,loss,val_loss\n0,0.5,1,0.9\n1,0.625,0.75,0.8\n',
    );
    // A new fit replaces the file.
    await train([new CSVLogger({ filename })], epochs.slice(0, 1));
    expect(readFileSync(filename, 'utf8')).toBe('epoch,accuracy,loss,val_loss\n0,0.5,1,0.9\n');
  });

  test('append adds rows under the existing header; an empty file gets one', async () => {
    const filename = join(dir, 'append.csv');
    writeFileSync(filename, '');
    await train([new CSVLogger({ filename, append: true })], [{ loss: 1 }]);
    await train([new CSVLogger({ filename, append: true })], [{ loss: 0.5 }, { loss: 0.25 }]);
    expect(readFileSync(filename, 'utf8')).toBe('epoch,loss\n0,1\n0,0.5\n1,0.25\n');
  });

  test('separator, NA for missing values, announced metrics, nan and quoting', async () => {
    const filename = join(dir, 'semi.csv');
    // val_loss is computed every second epoch only: fit announces it in params.metrics.
    const epochs: Logs[] = [
      { loss: Number.NaN, 'a;b': 1 },
      { loss: Number.POSITIVE_INFINITY, 'a;b': 2, val_loss: 0.5 },
    ];
    await train([new CSVLogger({ filename, separator: ';' })], epochs, {
      metrics: ['loss', 'a;b', 'val_loss'],
    });
    expect(readFileSync(filename, 'utf8')).toBe('epoch;"a;b";loss;val_loss\n0;1;nan;NA\n1;2;inf;0.5\n');
  });

  test('bad options are ValueErrors naming the option', () => {
    expect(() => new CSVLogger({ filename: '' })).toThrow('CSVLogger: filename is ""');
    expect(() => new CSVLogger({ filename: 'x.csv', separator: ';;' })).toThrow(
      'CSVLogger: separator is ";;"',
    );
  });
});

describe('TerminateOnNaN', () => {
  test('stops at the first batch with a NaN or infinite loss', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const batches = [
      [1, 0.9, Number.NaN, 0.5],
      [1, 1, 1, 1],
    ];
    const model = new FakeModel();
    expect(await train([new TerminateOnNaN()], valLoss(1, 1), { batches, model })).toBe(1);
    expect(model.stopTraining).toBe(true);
    expect(log).toHaveBeenCalledExactlyOnceWith('Batch 2: Invalid loss, terminating training');

    expect(await train([new TerminateOnNaN()], valLoss(1, 1), { batches: [[1, -Infinity], [1]] })).toBe(1);
    expect(
      await train([new TerminateOnNaN()], valLoss(1, 1), {
        batches: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toBe(2);
  });
});

describe('factories', () => {
  test('make the same callbacks as the classes', () => {
    expect(earlyStopping({ patience: 3 })).toBeInstanceOf(EarlyStopping);
    expect(earlyStopping({ patience: 3 }).patience).toBe(3);
    expect(modelCheckpoint({ filepath: 'x' }).filepath).toBe('x');
    expect(reduceLROnPlateau({ factor: 0.5 }).factor).toBe(0.5);
    expect(learningRateScheduler((_, lr) => lr)).toBeInstanceOf(LearningRateScheduler);
    expect(csvLogger({ filename: 'x.csv' }).separator).toBe(',');
    expect(terminateOnNaN()).toBeInstanceOf(TerminateOnNaN);
    expect(() => earlyStopping({ patience: -1 })).toThrow(ValueError);
  });

  test('refuse an option they do not know, naming the callback, the option and those known', () => {
    const bogus = { bogus: 1 } as object;
    const made: [string, () => unknown][] = [
      ['EarlyStopping', () => earlyStopping(bogus)],
      ['ReduceLROnPlateau', () => reduceLROnPlateau(bogus)],
      ['ModelCheckpoint', () => modelCheckpoint({ filepath: 'x', ...bogus })],
      ['CSVLogger', () => csvLogger({ filename: 'x.csv', ...bogus })],
      ['LearningRateScheduler', () => learningRateScheduler((_, lr) => lr, bogus)],
      ['BackupAndRestore', () => backupAndRestore({ backupDir: 'b', ...bogus })],
    ];
    for (const [name, make] of made)
      expect(make, name).toThrow(`${name}: unknown option 'bogus'; expected one of: `);
    expect(() => earlyStopping({ patiense: 3 } as object)).toThrow(
      "EarlyStopping: unknown option 'patiense'; expected one of: monitor, minDelta, patience, verbose, " +
        'mode, baseline, restoreBestWeights, startFromEpoch',
    );
    expect(() => earlyStopping({ restore_best_weights: true } as object)).toThrow(
      "EarlyStopping: unknown option 'restore_best_weights' (did you mean 'restoreBestWeights'?)",
    );
  });
});
