import { affineTransform, type FillMode, type Interpolation } from '../../ops/affine-transform.js';
import { ShapeError, ValueError } from '../../tensor/errors.js';
import { randomUniform } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CallContext,
  formatShape,
  Layer,
  type LayerConfig,
  type Shape,
  singleInput,
  singleShape,
} from '../layer.js';

// What Keras's image augmentation layers (RandomTranslation, RandomFlip, RandomRotation) share:
// they move each image of a batch by its own random affine map while training, and pass the
// batch through unchanged at inference, so a saved model serves the images it is sent.

/** A range given as one number f (meaning [−f, f]) or as [lower, upper], as Keras takes factors. */
export type Factor = number | readonly [number, number];

export interface RandomImageConfig extends LayerConfig {
  /** A private seed; otherwise the global stream of setSeed() decides. */
  seed?: number;
}

/** The options of the layers that resample (translation, rotation), with Keras's defaults. */
export interface ResamplingConfig extends RandomImageConfig {
  /** 'reflect' (the default), 'wrap', 'nearest' or 'constant'. */
  fillMode?: FillMode;
  /** 'bilinear' (the default) or 'nearest'. */
  interpolation?: Interpolation;
  /** The value outside the image with fillMode 'constant'; 0 by default. */
  fillValue?: number;
}

export const RESAMPLING_OPTIONS = {
  seed: true,
  fillMode: true,
  interpolation: true,
  fillValue: true,
} as const;

export abstract class RandomImageLayer extends Layer {
  readonly seed: number | undefined;
  #calls = 0;

  constructor(config: RandomImageConfig, className: string, options: readonly string[]) {
    super(config, className, options);
    this.seed = config.seed;
  }

  /** 8 numbers per image: the map from each output pixel to where it is read in the input. */
  protected abstract transforms(
    batch: number,
    height: number,
    width: number,
    uniform: Float32Array,
  ): Float32Array;

  /** How many uniform [0, 1) numbers one batch of `batch` images needs. */
  protected abstract draws(batch: number): number;

  protected abstract sampling(): { interpolation: Interpolation; fillMode: FillMode; fillValue: number };

  call(inputs: Tensor | Tensor[], context: CallContext): Tensor {
    const x = singleInput(this.name, inputs);
    checkImages(this.name, x.shape);
    if (!context.training) return x;
    const [batch, height, width] = x.shape;
    // All of a batch's numbers in one draw: a private seed drawn twice would repeat itself. Each
    // call derives its own seed from it, so that every batch moves differently (as Dropout).
    const seed = this.seed === undefined ? undefined : (this.seed + this.#calls++) >>> 0;
    const uniform = randomUniform([this.draws(batch)], { seed }).values as Float32Array;
    return affineTransform(x, this.transforms(batch, height, width, uniform), this.sampling());
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(this.name, inputShape);
    checkImages(this.name, shape);
    return shape;
  }

  protected seedConfig(): Record<string, unknown> {
    return this.seed === undefined ? {} : { seed: this.seed };
  }
}

function checkImages(name: string, shape: Shape): void {
  if (shape.length !== 4)
    throw new ShapeError(
      `${name}: expected images of shape (batch, height, width, channels), got ${formatShape(shape)}`,
    );
}

/** Keras's factor: f is [−|f|, |f|], a pair is sorted; each bound within `limit` when one is given. */
export function factorRange(layer: string, key: string, factor: Factor, limit?: number): [number, number] {
  const pair = typeof factor === 'number' ? [-Math.abs(factor), Math.abs(factor)] : factor;
  const valid =
    Array.isArray(pair) &&
    pair.length === 2 &&
    pair.every((v) => Number.isFinite(v) && (limit === undefined || Math.abs(v) <= limit));
  if (!valid) {
    const range = limit === undefined ? 'finite numbers' : `numbers in [−${limit}, ${limit}]`;
    throw new ValueError(
      `${layer}: ${key} is ${JSON.stringify(factor)}, expected a number or a pair [lower, upper] of ${range}`,
    );
  }
  const [a, b] = pair as [number, number];
  return a <= b ? [a, b] : [b, a];
}

/** The resampling options, checked, with Keras's defaults filled in. */
export function samplingOptions(
  layer: string,
  config: ResamplingConfig,
): { interpolation: Interpolation; fillMode: FillMode; fillValue: number } {
  const { interpolation = 'bilinear', fillMode = 'reflect', fillValue = 0 } = config;
  oneOf(layer, 'interpolation', interpolation, ['bilinear', 'nearest']);
  oneOf(layer, 'fillMode', fillMode, ['reflect', 'wrap', 'nearest', 'constant']);
  if (!Number.isFinite(fillValue))
    throw new ValueError(`${layer}: fillValue is ${JSON.stringify(fillValue)}, expected a finite number`);
  return { interpolation, fillMode, fillValue };
}

export function oneOf(layer: string, key: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string))
    throw new ValueError(
      `${layer}: ${key} is ${JSON.stringify(value)}, expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
}
