import { tensor } from '../tensor/creation.js';
import { ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BatchIterable, type Data, isBatchIterable, sampleCount, TensorBatches } from './batches.js';
import type { Callback, Logs } from './callback.js';
import { History } from './callbacks/history.js';
import { checkBatchSize, type Model } from './model.js';
import { ProgbarLogger } from './progress.js';

export interface FitOptions {
  epochs?: number;
  /** 32 by default, as in Keras. Ignored for a dataset, which is already batched. */
  batchSize?: number;
  /** The fraction of samples, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** Held-out data evaluated after each epoch: [x, y], or a dataset of batches. */
  validationData?: readonly [Data, Data] | BatchIterable;
  /** Reshuffle the training samples every epoch (true by default). */
  shuffle?: boolean;
  /** A weight per class index, scaling each sample's loss by its label's weight. */
  classWeight?: Readonly<Record<number, number>>;
  callbacks?: readonly Callback[];
  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** The epoch to start from, for resuming a run (0-based). */
  initialEpoch?: number;
}

/** @internal What a callback that restores an interrupted run put back. */
export interface RestoredRun {
  /** The last epoch already done (0-based): fit goes on with the next. */
  epoch: number;
  /** That epoch's logs, which onTrainEnd gets when no epoch is left to run. */
  logs: Logs;
  /** The epochs already done, as History records them; fit's History starts from them. */
  history: { epoch: number[]; history: Record<string, number[]> };
}

/** @internal A callback that backs up each epoch and resumes an interrupted run (BackupAndRestore). */
export interface RunRestorer {
  /**
   * Called after every onTrainBegin, since those reset what it puts back (History's epochs,
   * EarlyStopping's patience count); null when the run starts afresh.
   */
  resumeRun(callbacks: readonly Callback[]): Promise<RestoredRun | null>;
  /** Called once every callback has ended the epoch, so the backup holds the state they leave. */
  backUpEpoch(epoch: number, logs: Logs, callbacks: readonly Callback[]): Promise<void>;
}

function restoresRuns(cb: Callback): cb is Callback & RunRestorer {
  const r = cb as Partial<RunRestorer>;
  return typeof r.resumeRun === 'function' && typeof r.backUpEpoch === 'function';
}

/**
 * Keras's fit loop: batches → callback hooks → train step → validation, logged with `val_`
 * → History.
 */
export async function fitModel(
  model: Model,
  x: Data | BatchIterable,
  y: Data | undefined,
  options: FitOptions,
): Promise<History> {
  const { epochs = 1, batchSize = 32, shuffle = true, verbose = 1, initialEpoch = 0 } = options;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new ValueError(`fit: epochs is ${JSON.stringify(epochs)}, expected a positive integer`);
  checkBatchSize(batchSize);

  let train: BatchIterable = x as BatchIterable;
  let samples: number | null = null;
  let validation = options.validationData;
  if (!isBatchIterable(x)) {
    if (y === undefined)
      throw new ValueError('fit: y is missing; pass targets, or a dataset of {x, y} batches');
    const xs = model.inputTensors(x, 'fit');
    const ys = model.targetTensors(y, 'fit');
    const n = sampleCount([...xs, ...ys], 'fit');
    const split = options.validationSplit ?? 0;
    if (!(split >= 0 && split < 1))
      throw new ValueError(`fit: validationSplit is ${split}, expected a number in [0, 1)`);
    const held = Math.floor(n * split);
    if (held > 0 && validation !== undefined) {
      throw new ValueError('fit: pass validationSplit or validationData, not both');
    }
    // Keras holds out the last samples, before shuffling; both parts are ranges, not copies.
    if (held > 0)
      validation = new TensorBatches(xs, ys, { batchSize, shuffle: false, begin: n - held, end: n });
    samples = n - held;
    if (samples === 0) throw new ValueError('fit: no samples left to train on');
    const sampleWeight = options.classWeight ? classWeights(options.classWeight, ys[0]) : undefined;
    train = new TensorBatches(xs, ys, { batchSize, shuffle, sampleWeight, end: samples });
  } else if (options.validationSplit) {
    throw new ValueError('fit: validationSplit needs arrays; a dataset must pass validationData');
  } else if (options.classWeight) {
    throw new ValueError("fit: classWeight needs arrays; weight a dataset's batches yourself");
  }

  const history = new History();
  const callbacks = [...(options.callbacks ?? [])];
  if (verbose > 0) callbacks.push(new ProgbarLogger());
  callbacks.push(history);
  const names = model.metricNames();
  const params = {
    epochs,
    steps: samples === null ? 0 : Math.ceil(samples / batchSize),
    samples,
    batchSize,
    verbose,
    metrics: validation ? [...names, ...names.map((m) => `val_${m}`)] : names,
  };
  for (const cb of callbacks) {
    cb.setModel(model);
    cb.setParams(params);
  }
  const each = async (hook: (cb: Callback) => void | Promise<void>) => {
    for (const cb of callbacks) await hook(cb);
  };

  const restorers = callbacks.filter(restoresRuns);

  model.stopTraining = false;
  await each((cb) => cb.onTrainBegin({}));
  let logs: Logs = {};
  let start = initialEpoch;
  for (const restorer of restorers) {
    const run = await restorer.resumeRun(callbacks);
    if (run === null) continue;
    start = run.epoch + 1;
    logs = run.logs;
    history.epoch = run.history.epoch;
    history.history = run.history.history;
  }
  for (let epoch = start; epoch < epochs && !model.stopTraining; epoch++) {
    await each((cb) => cb.onEpochBegin(epoch, {}));
    model.resetMetrics();
    let step = 0;
    for await (const batch of model.batches(train, undefined, { batchSize, shuffle }, 'fit')) {
      await each((cb) => cb.onBatchBegin(step, {}));
      model.step(batch, true);
      const batchLogs = model.results();
      await each((cb) => cb.onBatchEnd(step, batchLogs));
      step++;
      if (model.stopTraining) break;
    }
    if (params.steps === 0) params.steps = step;
    logs = model.results();
    if (validation !== undefined) {
      const [vx, vy] = isBatchIterable(validation) ? [validation, undefined] : validation;
      const valLogs = await model.evaluate(vx, vy, { batchSize });
      for (const [name, value] of Object.entries(valLogs)) logs[`val_${name}`] = value;
    }
    await each((cb) => cb.onEpochEnd(epoch, logs));
    for (const restorer of restorers) await restorer.backUpEpoch(epoch, logs, callbacks);
  }
  await each((cb) => cb.onTrainEnd(logs));
  return history;
}

/** Per-sample weights from each sample's class: sparse labels, or the argmax of one-hot rows. */
function classWeights(weights: Readonly<Record<number, number>>, labels: Tensor): Tensor {
  const n = labels.shape[0];
  const width = labels.size / Math.max(n, 1);
  const values = labels.values;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let label = values[i];
    if (width > 1) {
      let best = 0;
      for (let j = 1; j < width; j++) if (values[i * width + j] > values[i * width + best]) best = j;
      label = best;
    }
    const w = weights[label];
    if (w === undefined) throw new ValueError(`fit: classWeight has no weight for class ${label}`);
    out[i] = w;
  }
  return tensor(out);
}
