import { Callback, type Logs } from '../callback.js';

/** Records each epoch's logs; fit returns it. `history.loss[i]` is the loss of `epoch[i]`. */
export class History extends Callback {
  /** The 0-based indices of the epochs run, as Keras keeps them. */
  epoch: number[] = [];
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [name, value] of Object.entries(logs)) {
      this.history[name] ??= [];
      this.history[name].push(value);
    }
  }
}
