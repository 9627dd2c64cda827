import { sgdUpdate } from '../ops/sgd.js';
import type { Tensor } from '../tensor/tensor.js';
import { BaseOptimizer, type OptimizerOptions, type Slot, type Update } from './base.js';
import { closedUnitInterval } from './options.js';

export interface SgdOptions extends OptimizerOptions {
  /** Default 0: plain gradient descent, with no velocity kept. */
  momentum?: number;
  nesterov?: boolean;
}

const MOMENTUM: readonly Slot[] = [{ name: 'momentum', initial: 0 }];

/**
 * Gradient descent with Keras's momentum: v ← μv − lr·g, then w ← w + v, or with Nesterov
 * w ← w + μv − lr·g. Defaults: learningRate 0.01, momentum 0, nesterov false.
 */
export class SGD extends BaseOptimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SgdOptions = {}) {
    super('SGD', options, ['momentum', 'nesterov'], { learningRate: 0.01 });
    this.momentum = this.options.number('momentum', 0, closedUnitInterval);
    this.nesterov = this.options.boolean('nesterov', false);
  }

  protected slotSpecs(): readonly Slot[] {
    // As in Keras, no velocity slot without momentum: nothing would ever be stored in it.
    return this.momentum === 0 ? [] : MOMENTUM;
  }

  protected update(value: Tensor, grad: Tensor, slots: readonly Tensor[], rate: number): Update {
    const { momentum, nesterov } = this;
    const next = sgdUpdate(value, grad, slots[0] ?? null, { learningRate: rate, momentum, nesterov });
    return { value: next.param, slots: next.velocity === null ? [] : [next.velocity] };
  }

  protected ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}
