import { ownOptions } from '../layer.js';
import { oneOf, type RandomImageConfig, RandomImageLayer } from './random-image.js';

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

export interface RandomFlipConfig extends RandomImageConfig {
  /** Which flips may happen: 'horizontal' (left–right), 'vertical' (up–down), or both (the default). */
  mode?: FlipMode;
}

const OPTIONS = ownOptions<RandomFlipConfig>({ mode: true, seed: true });
const MODES: readonly FlipMode[] = ['horizontal', 'vertical', 'horizontal_and_vertical'];

/**
 * Keras's RandomFlip: while training, flips each image with probability ½ along each axis the
 * mode names (the two axes drawn independently, as tf.keras did); the identity at inference.
 */
export class RandomFlip extends RandomImageLayer {
  readonly className = 'RandomFlip';
  readonly mode: FlipMode;

  constructor(config: RandomFlipConfig = {}) {
    super(config, 'RandomFlip', OPTIONS);
    this.mode = config.mode ?? 'horizontal_and_vertical';
    oneOf(this.name, 'mode', this.mode, MODES);
  }

  protected draws(batch: number): number {
    return 2 * batch;
  }

  /** A flip is the map x → w − 1 − x (or y → h − 1 − y): whole pixels, so sampling is exact. */
  protected transforms(batch: number, height: number, width: number, uniform: Float32Array): Float32Array {
    const out = new Float32Array(8 * batch);
    const horizontal = this.mode !== 'vertical';
    const vertical = this.mode !== 'horizontal';
    for (let b = 0; b < batch; b++) {
      const flipX = horizontal && uniform[b] < 0.5;
      const flipY = vertical && uniform[batch + b] < 0.5;
      out.set(
        [flipX ? -1 : 1, 0, flipX ? width - 1 : 0, 0, flipY ? -1 : 1, flipY ? height - 1 : 0, 0, 0],
        8 * b,
      );
    }
    return out;
  }

  protected sampling() {
    return { interpolation: 'nearest', fillMode: 'constant', fillValue: 0 } as const;
  }

  protected layerConfig(): Record<string, unknown> {
    return { mode: this.mode, ...this.seedConfig() };
  }
}

export const randomFlip = (config?: RandomFlipConfig): RandomFlip => new RandomFlip(config);
