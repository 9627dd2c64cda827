import { add, div, mul, sub } from '../ops/arithmetic.js';
import { sqrt, square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { BaseOptimizer, type OptimizerOptions, type Slot, type Update } from './base.js';
import { nonNegative } from './options.js';

export interface AdagradOptions extends OptimizerOptions {
  /** Every accumulator element's starting value. */
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/**
 * Adagrad as Keras 3 writes it: a ← a + g², w ← w − lr·g / √(a + ε).
 * Defaults: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7.
 */
export class Adagrad extends BaseOptimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  readonly #slots: readonly Slot[];

  constructor(options: AdagradOptions = {}) {
    super('Adagrad', options, ['initialAccumulatorValue', 'epsilon'], { learningRate: 0.001 });
    this.initialAccumulatorValue = this.options.number('initialAccumulatorValue', 0.1, nonNegative);
    this.epsilon = this.options.number('epsilon', 1e-7, nonNegative);
    this.#slots = [{ name: 'accumulator', initial: this.initialAccumulatorValue }];
  }

  protected slotSpecs(): readonly Slot[] {
    return this.#slots;
  }

  protected update(value: Tensor, grad: Tensor, [accumulator]: readonly Tensor[], rate: number): Update {
    const a = add(accumulator, square(grad));
    const next = sub(value, div(mul(grad, rate), sqrt(add(a, this.epsilon))));
    return { value: next, slots: [a] };
  }

  protected ownConfig(): Record<string, unknown> {
    const { initialAccumulatorValue, epsilon } = this;
    return { initialAccumulatorValue, epsilon };
  }
}
