import { checkOptions, optionNames } from '../../nn/serialize.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Callback, type CallbackState, type Logs, type StatefulCallback } from '../callback.js';
import { checkCount, checkNumber, checkVerbose, Monitor, type MonitorMode } from './monitor.js';

export interface EarlyStoppingOptions {
  /** The metric to watch. Default 'val_loss'. */
  monitor?: string;
  /** The least change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before training stops. Default 0. */
  patience?: number;
  verbose?: 0 | 1;
  /** 'auto' maximizes accuracy, AUC, precision and recall, and minimizes anything else. */
  mode?: MonitorMode;
  /** Training stops after `patience` epochs unless the metric beats this value. */
  baseline?: number;
  /** At the end of training, go back to the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to run before watching starts (a warm-up). Default 0. */
  startFromEpoch?: number;
}

const OPTIONS = optionNames<EarlyStoppingOptions>({
  monitor: true,
  minDelta: true,
  patience: true,
  verbose: true,
  mode: true,
  baseline: true,
  restoreBestWeights: true,
  startFromEpoch: true,
});

/**
 * Stops training once the monitored metric has not improved for `patience` epochs, as Keras 3's
 * EarlyStopping. With restoreBestWeights, the best epoch's weights are put back when training
 * ends, whether or not it stopped early.
 */
export class EarlyStopping extends Callback implements StatefulCallback {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training stopped after (0-based), or 0 when it has not stopped. */
  stoppedEpoch = 0;
  best: number | null = null;
  bestEpoch = 0;
  #bestWeights: Tensor[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    checkOptions('EarlyStopping', options, OPTIONS);
    const { minDelta = 0, patience = 0, verbose = 0, baseline, startFromEpoch = 0 } = options;
    this.monitor = new Monitor(
      'EarlyStopping',
      options.monitor ?? 'val_loss',
      options.mode ?? 'auto',
      minDelta,
    );
    checkCount('EarlyStopping', 'patience', patience);
    checkCount('EarlyStopping', 'startFromEpoch', startFromEpoch);
    checkVerbose('EarlyStopping', verbose);
    if (baseline !== undefined) checkNumber('EarlyStopping', 'baseline', baseline, true, 'a finite number');
    this.patience = patience;
    this.verbose = verbose;
    this.baseline = baseline ?? null;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = startFromEpoch;
  }

  override onTrainBegin(): void {
    // Reset, so that one instance can serve several fit calls.
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestEpoch = 0;
    this.#bestWeights = null;
  }

  getState(): CallbackState {
    const { wait, stoppedEpoch, best, bestEpoch } = this;
    return { wait, stoppedEpoch, best, bestEpoch, bestWeights: this.#bestWeights };
  }

  setState(state: CallbackState): void {
    this.wait = state.wait as number;
    this.stoppedEpoch = state.stoppedEpoch as number;
    this.best = state.best as number | null;
    this.bestEpoch = state.bestEpoch as number;
    this.#bestWeights = state.bestWeights === null ? null : [...(state.bestWeights as Tensor[])];
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.monitor.read(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.#bestWeights === null) {
      this.#bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }

    this.wait += 1;
    if (this.monitor.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      // Weights are immutable tensors that training replaces, so keeping the references suffices.
      if (this.restoreBestWeights) this.#bestWeights = this.model.getWeights();
      // Patience restarts only for a value that also beats the baseline.
      if (this.baseline === null || this.monitor.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0)
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.#bestWeights !== null) {
      if (this.verbose > 0) {
        console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      }
      this.model.setWeights(this.#bestWeights);
    }
  }
}
