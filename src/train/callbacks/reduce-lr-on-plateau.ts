import { checkOptions, optionNames } from '../../nn/serialize.js';
import { Callback, type CallbackState, type Logs, type StatefulCallback } from '../callback.js';
import { checkCount, checkNumber, checkVerbose, Monitor, type MonitorMode } from './monitor.js';

export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** The learning rate is multiplied by this, in (0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before a reduction. Default 10. */
  patience?: number;
  verbose?: 0 | 1;
  /** 'auto' maximizes accuracy, AUC, precision and recall, and minimizes anything else. */
  mode?: MonitorMode;
  /** The least change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** The rate is never reduced below this. Default 0. */
  minLr?: number;
}

const OPTIONS = optionNames<ReduceLROnPlateauOptions>({
  monitor: true,
  factor: true,
  patience: true,
  verbose: true,
  mode: true,
  minDelta: true,
  cooldown: true,
  minLr: true,
});

/**
 * Multiplies the learning rate by `factor` once the monitored metric has not improved for
 * `patience` epochs, as Keras 3's ReduceLROnPlateau. Like Keras 3, it adds the rate the epoch
 * ran at to the logs as 'learning_rate', so History and CSVLogger placed after it record it.
 */
export class ReduceLROnPlateau extends Callback implements StatefulCallback {
  readonly monitor: Monitor;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly cooldown: number;
  readonly minLr: number;
  /** Epochs since the last improvement, not counting cooldown. */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  best: number | null = null;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    checkOptions('ReduceLROnPlateau', options, OPTIONS);
    const { factor = 0.1, patience = 10, verbose = 0, minDelta = 1e-4, cooldown = 0, minLr = 0 } = options;
    const owner = 'ReduceLROnPlateau';
    this.monitor = new Monitor(owner, options.monitor ?? 'val_loss', options.mode ?? 'auto', minDelta);
    checkNumber(owner, 'factor', factor, factor > 0 && factor < 1, 'a number between 0 and 1 (exclusive)');
    checkCount(owner, 'patience', patience);
    checkCount(owner, 'cooldown', cooldown);
    checkNumber(owner, 'minLr', minLr, minLr >= 0, 'a non-negative number');
    checkVerbose(owner, verbose);
    this.factor = factor;
    this.patience = patience;
    this.verbose = verbose;
    this.cooldown = cooldown;
    this.minLr = minLr;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = null;
  }

  // The rate itself is the optimizer's, which BackupAndRestore saves with the model.
  getState(): CallbackState {
    return { wait: this.wait, cooldownCounter: this.cooldownCounter, best: this.best };
  }

  setState(state: CallbackState): void {
    this.wait = state.wait as number;
    this.cooldownCounter = state.cooldownCounter as number;
    this.best = state.best as number | null;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = this.model.optimizer;
    logs.learning_rate = optimizer.learningRate;
    const current = this.monitor.read(logs);
    if (current === undefined) return;

    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.monitor.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    const oldLr = optimizer.learningRate;
    // An optimizer may keep its rate in float32, where minLr rounds to something slightly above
    // minLr: compare at that precision too, or the rate would be "reduced" to itself forever.
    if (oldLr <= this.minLr || Math.fround(oldLr) <= Math.fround(this.minLr)) return;
    const newLr = Math.max(oldLr * this.factor, this.minLr);
    optimizer.setLearningRate(newLr);
    if (this.verbose > 0)
      console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${newLr}.`);
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }
}
