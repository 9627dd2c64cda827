import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';

/** Metric values by name ('loss', 'accuracy', 'val_loss'…). */
export type Logs = Record<string, number>;

/** What callbacks may see and change of the model being trained. */
export interface TrainingModel {
  /** Set to true to end training after the current batch. */
  stopTraining: boolean;
  readonly optimizer: Optimizer;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
  save(dir: string): Promise<void>;
}

/** The run's settings, given to callbacks before training starts. */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  /** Samples per epoch, when known. */
  samples: number | null;
  batchSize: number;
  verbose: 0 | 1 | 2;
  /** The names logged each epoch, 'val_' ones included. */
  metrics: string[];
}

/** One value of a callback's state: a JSON scalar (NaN and ±Infinity included), or tensors. */
export type CallbackStateValue = number | string | boolean | null | readonly Tensor[];

/** What a callback carries from one epoch to the next, by name. */
export type CallbackState = Record<string, CallbackStateValue>;

/**
 * A callback whose state outlives an epoch (EarlyStopping's patience count and best weights).
 * BackupAndRestore saves it with every backup, tensors bit for bit, and hands it back to
 * setState when an interrupted run resumes, after onTrainBegin has reset the callback.
 */
export interface StatefulCallback {
  getState(): CallbackState;
  setState(state: CallbackState): void;
}

export function isStateful(callback: Callback): callback is Callback & StatefulCallback {
  const c = callback as Partial<StatefulCallback>;
  return typeof c.getState === 'function' && typeof c.setState === 'function';
}

/**
 * Hooks into fit(), as Keras's Callback. Subclass it and override what you need; `model` and
 * `params` are set before onTrainBegin. Hooks may be async: fit awaits them.
 */
export class Callback {
  model!: TrainingModel;
  params!: TrainingParams;

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
}
