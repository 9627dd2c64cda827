import { ownOptions } from '../layer.js';
import {
  type Factor,
  factorRange,
  RandomImageLayer,
  RESAMPLING_OPTIONS,
  type ResamplingConfig,
  samplingOptions,
} from './random-image.js';

export interface RandomTranslationConfig extends ResamplingConfig {
  /** Vertical shift as a fraction of the height: f for [−f, f], or [lower, upper]; within [−1, 1]. Positive moves down. */
  heightFactor: Factor;
  /** Horizontal shift as a fraction of the width, as heightFactor. Positive moves right. */
  widthFactor: Factor;
}

const OPTIONS = ownOptions<RandomTranslationConfig>({
  heightFactor: true,
  widthFactor: true,
  ...RESAMPLING_OPTIONS,
});

/**
 * Keras's RandomTranslation: while training, shifts each image by its own random fraction of
 * its height and width, filling the uncovered edge as `fillMode` says ('reflect' by default);
 * the identity at inference.
 */
export class RandomTranslation extends RandomImageLayer {
  readonly className = 'RandomTranslation';
  readonly heightFactor: Factor;
  readonly widthFactor: Factor;
  readonly #height: [number, number];
  readonly #width: [number, number];
  readonly #sampling: ReturnType<typeof samplingOptions>;

  constructor(config: RandomTranslationConfig) {
    super(config, 'RandomTranslation', OPTIONS);
    this.#height = factorRange(this.name, 'heightFactor', config.heightFactor, 1);
    this.#width = factorRange(this.name, 'widthFactor', config.widthFactor, 1);
    this.heightFactor = config.heightFactor;
    this.widthFactor = config.widthFactor;
    this.#sampling = samplingOptions(this.name, config);
  }

  protected draws(batch: number): number {
    return 2 * batch;
  }

  /** Output pixel (x, y) reads input (x − dx, y − dy): the image moves by (dx, dy) pixels. */
  protected transforms(batch: number, height: number, width: number, uniform: Float32Array): Float32Array {
    const out = new Float32Array(8 * batch);
    const [hLow, hHigh] = this.#height;
    const [wLow, wHigh] = this.#width;
    for (let b = 0; b < batch; b++) {
      const dy = (hLow + uniform[b] * (hHigh - hLow)) * height;
      const dx = (wLow + uniform[batch + b] * (wHigh - wLow)) * width;
      out.set([1, 0, -dx, 0, 1, -dy, 0, 0], 8 * b);
    }
    return out;
  }

  protected sampling() {
    return this.#sampling;
  }

  protected layerConfig(): Record<string, unknown> {
    return {
      heightFactor: this.heightFactor,
      widthFactor: this.widthFactor,
      ...this.#sampling,
      ...this.seedConfig(),
    };
  }
}

export const randomTranslation = (config: RandomTranslationConfig): RandomTranslation =>
  new RandomTranslation(config);
