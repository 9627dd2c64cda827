import type { Tensor } from '../tensor/tensor.js';

/**
 * A streaming metric, as in Keras: `update` accumulates a batch, `result` gives the value over
 * everything since `reset`. Values are computed from the batch's numbers on the calling thread;
 * metrics are not differentiated.
 */
export interface Metric {
  /** The name shown in logs and History: 'accuracy', 'precision', 'auc'… */
  readonly name: string;
  readonly className: string;
  getConfig(): Record<string, unknown>;
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void;
  result(): number;
  reset(): void;
}
