import { dropout as dropoutOp } from '../../ops/dropout.js';
import { ValueError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CallContext,
  Layer,
  type LayerConfig,
  ownOptions,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';

export interface DropoutConfig extends LayerConfig {
  /** The fraction of inputs to drop, in [0, 1). */
  rate: number;
  /** A private seed; otherwise the global stream of setSeed() decides. */
  seed?: number;
}

const OPTIONS = ownOptions<DropoutConfig>({ rate: true, seed: true });

/**
 * Drops inputs at random while training, scaling the rest by 1 / (1 − rate); passes them
 * through unchanged at inference.
 */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  #calls = 0;

  constructor(config: DropoutConfig) {
    super(config, 'Dropout', OPTIONS);
    if (!(config.rate >= 0 && config.rate < 1)) {
      throw new ValueError(
        `${this.name}: rate is ${JSON.stringify(config.rate)}, expected a number in [0, 1)`,
      );
    }
    this.rate = config.rate;
    this.seed = config.seed;
  }

  call(inputs: Tensor | Tensor[], context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    if (!context.training) return x;
    // A private seed must not give the same mask every step: each call derives its own from it
    // (the RNG's seeding scrambles nearby seeds into unrelated streams).
    const seed = this.seed === undefined ? undefined : (this.seed + this.#calls++) >>> 0;
    return dropoutOp(x, this.rate, { seed });
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(this.name, inputShape);
  }

  protected layerConfig(): Record<string, unknown> {
    return this.seed === undefined ? { rate: this.rate } : { rate: this.rate, seed: this.seed };
  }
}

export const dropout = (config: DropoutConfig): Dropout => new Dropout(config);
