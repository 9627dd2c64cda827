import { add, mul, sub } from '../ops/arithmetic.js';
import { rsqrt, square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { BaseOptimizer, type OptimizerOptions, type Slot, type Update } from './base.js';
import { nonNegative, unitInterval } from './options.js';

export interface RmspropOptions extends OptimizerOptions {
  /** Decay of the moving average of squared gradients. */
  rho?: number;
  momentum?: number;
  epsilon?: number;
  /** Divide by an estimate of the gradient's variance rather than its uncentered second moment. */
  centered?: boolean;
}

/**
 * RMSprop as Keras 3 writes it: v ← ρv + (1−ρ)g²; with centered, a ← ρa + (1−ρ)g and the
 * denominator uses v − a²; Δ = lr·g / √(v + ε) (ε inside the root, as Keras); with momentum,
 * u ← μu + Δ and w ← w − u, otherwise w ← w − Δ.
 * Defaults: learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false.
 */
export class RMSprop extends BaseOptimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  readonly #slots: readonly Slot[];

  constructor(options: RmspropOptions = {}) {
    super('RMSprop', options, ['rho', 'momentum', 'epsilon', 'centered'], { learningRate: 0.001 });
    this.rho = this.options.number('rho', 0.9, unitInterval);
    this.momentum = this.options.number('momentum', 0, unitInterval);
    this.epsilon = this.options.number('epsilon', 1e-7, nonNegative);
    this.centered = this.options.boolean('centered', false);
    // Keras's order: velocity, then momentum and the average gradient when they are used.
    this.#slots = [
      { name: 'velocity', initial: 0 },
      ...(this.momentum > 0 ? [{ name: 'momentum', initial: 0 }] : []),
      ...(this.centered ? [{ name: 'averageGradient', initial: 0 }] : []),
    ];
  }

  protected slotSpecs(): readonly Slot[] {
    return this.#slots;
  }

  protected update(value: Tensor, grad: Tensor, slots: readonly Tensor[], rate: number): Update {
    const { rho, momentum, epsilon, centered } = this;
    const [velocity, ...rest] = slots;
    const v = add(mul(velocity, rho), mul(square(grad), 1 - rho));
    let denominator = v;
    let average: Tensor | null = null;
    if (centered) {
      average = add(mul(rest[rest.length - 1], rho), mul(grad, 1 - rho));
      denominator = sub(v, square(average));
    }
    const increment = mul(mul(grad, rate), rsqrt(add(denominator, epsilon)));
    const next: Tensor[] = [v];
    if (momentum > 0) {
      const u = add(mul(rest[0], momentum), increment);
      next.push(u);
      value = sub(value, u);
    } else {
      value = sub(value, increment);
    }
    if (average !== null) next.push(average);
    return { value, slots: next };
  }

  protected ownConfig(): Record<string, unknown> {
    const { rho, momentum, epsilon, centered } = this;
    return { rho, momentum, epsilon, centered };
  }
}
