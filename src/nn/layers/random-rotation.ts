import { ownOptions } from '../layer.js';
import {
  type Factor,
  factorRange,
  RandomImageLayer,
  RESAMPLING_OPTIONS,
  type ResamplingConfig,
  samplingOptions,
} from './random-image.js';

export interface RandomRotationConfig extends ResamplingConfig {
  /**
   * The angle as a fraction of a full turn: f for [−f, f], or [lower, upper]. 0.05 turns by up
   * to ±18°; a positive angle turns counter-clockwise.
   */
  factor: Factor;
}

const OPTIONS = ownOptions<RandomRotationConfig>({ factor: true, ...RESAMPLING_OPTIONS });

/**
 * Keras's RandomRotation: while training, turns each image about its centre by its own random
 * angle, filling the corners as `fillMode` says ('reflect' by default); the identity at inference.
 */
export class RandomRotation extends RandomImageLayer {
  readonly className = 'RandomRotation';
  readonly factor: Factor;
  readonly #range: [number, number];
  readonly #sampling: ReturnType<typeof samplingOptions>;

  constructor(config: RandomRotationConfig) {
    super(config, 'RandomRotation', OPTIONS);
    this.#range = factorRange(this.name, 'factor', config.factor);
    this.factor = config.factor;
    this.#sampling = samplingOptions(this.name, config);
  }

  protected draws(batch: number): number {
    return batch;
  }

  /**
   * Keras's rotation matrix: output pixel (x, y) reads the input point at angle −θ about the
   * centre ((w − 1) / 2, (h − 1) / 2); with y pointing down, the image turns counter-clockwise.
   */
  protected transforms(batch: number, height: number, width: number, uniform: Float32Array): Float32Array {
    const out = new Float32Array(8 * batch);
    const [low, high] = this.#range;
    for (let b = 0; b < batch; b++) {
      const angle = (low + uniform[b] * (high - low)) * 2 * Math.PI;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      const xOffset = (width - 1 - (cos * (width - 1) - sin * (height - 1))) / 2;
      const yOffset = (height - 1 - (sin * (width - 1) + cos * (height - 1))) / 2;
      out.set([cos, -sin, xOffset, sin, cos, yOffset, 0, 0], 8 * b);
    }
    return out;
  }

  protected sampling() {
    return this.#sampling;
  }

  protected layerConfig(): Record<string, unknown> {
    return { factor: this.factor, ...this.#sampling, ...this.seedConfig() };
  }
}

export const randomRotation = (config: RandomRotationConfig): RandomRotation => new RandomRotation(config);
