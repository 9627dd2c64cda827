import { adamUpdate } from '../ops/adam.js';
import { add, div, maximum, mul, sub } from '../ops/arithmetic.js';
import { sqrt, square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BaseDefaults, BaseOptimizer, type OptimizerOptions, type Slot, type Update } from './base.js';
import { nonNegative, unitInterval } from './options.js';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Divide by the largest second moment seen so far (Reddi et al.), rather than the current one. */
  amsgrad?: boolean;
}

const MOMENTS: readonly Slot[] = [
  { name: 'm', initial: 0 },
  { name: 'v', initial: 0 },
];
const MOMENTS_AND_MAX: readonly Slot[] = [...MOMENTS, { name: 'vHat', initial: 0 }];

/**
 * Adam (Kingma & Ba) as Keras writes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * w ← w − α·m / (√v + ε) with α = lr·√(1−β₂ᵗ) / (1−β₁ᵗ), the bias correction folded into the
 * rate rather than applied to the moments. Defaults: learningRate 0.001, beta1 0.9,
 * beta2 0.999, epsilon 1e-7, amsgrad false.
 */
export class Adam extends BaseOptimizer {
  /**
   * Read through `new.target`, so that AdamW (the same update with another name and a weight
   * decay by default) names itself in the errors its options raise.
   */
  protected static readonly identity: { className: string; defaults: BaseDefaults } = {
    className: 'Adam',
    defaults: { learningRate: 0.001 },
  };

  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamOptions = {}) {
    const { className, defaults } = new.target.identity;
    super(className, options, ['beta1', 'beta2', 'epsilon', 'amsgrad'], defaults);
    this.beta1 = this.options.number('beta1', 0.9, unitInterval);
    this.beta2 = this.options.number('beta2', 0.999, unitInterval);
    this.epsilon = this.options.number('epsilon', 1e-7, nonNegative);
    this.amsgrad = this.options.boolean('amsgrad', false);
  }

  protected slotSpecs(): readonly Slot[] {
    return this.amsgrad ? MOMENTS_AND_MAX : MOMENTS;
  }

  protected update(
    value: Tensor,
    grad: Tensor,
    [m, v, vHat]: readonly Tensor[],
    rate: number,
    step: number,
  ): Update {
    const { beta1, beta2, epsilon } = this;
    const alpha = (rate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    if (!this.amsgrad) {
      const next = adamUpdate(value, grad, m, v, { learningRate: alpha, beta1, beta2, epsilon });
      return { value: next.param, slots: [next.m, next.v] };
    }
    // The fused kernel divides by the current v, so AMSGrad's running maximum takes the plain ops.
    const m1 = add(mul(m, beta1), mul(grad, 1 - beta1));
    const v1 = add(mul(v, beta2), mul(square(grad), 1 - beta2));
    const vHat1 = maximum(vHat, v1);
    const next = sub(value, div(mul(m1, alpha), add(sqrt(vHat1), epsilon)));
    return { value: next, slots: [m1, v1, vHat1] };
  }

  protected ownConfig(): Record<string, unknown> {
    const { beta1, beta2, epsilon, amsgrad } = this;
    return { beta1, beta2, epsilon, amsgrad };
  }
}
