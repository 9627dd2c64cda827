import { Callback, type Logs } from '../callback.js';

/** Stops training at the first batch whose loss is NaN or infinite, as Keras's TerminateOnNaN. */
export class TerminateOnNaN extends Callback {
  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (typeof loss === 'number' && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.model.stopTraining = true;
    }
  }
}
