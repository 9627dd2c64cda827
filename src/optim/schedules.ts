import { type Configurable, resolve, type Serialized } from '../nn/serialize.js';
import { ValueError } from '../tensor/errors.js';
import { optimMessages } from './messages.js';
import { closedUnitInterval, nonNegative, nonNegativeInteger, Options, positive } from './options.js';

/**
 * A learning rate that changes with training: the optimizer asks for `rate(step)` with the
 * number of steps already taken (0 for the first update), as Keras does.
 */
export interface LearningRateSchedule extends Configurable {
  rate(step: number): number;
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole intervals of decaySteps rather than continuously. Default false. */
  staircase?: boolean;
}

/** initialLearningRate · decayRate^(step / decaySteps), the exponent floored with staircase. */
export class ExponentialDecay implements LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(options: ExponentialDecayOptions) {
    const o = new Options('ExponentialDecay', options, [
      'initialLearningRate',
      'decaySteps',
      'decayRate',
      'staircase',
    ]);
    this.initialLearningRate = o.number('initialLearningRate', undefined, positive);
    this.decaySteps = o.number('decaySteps', undefined, positive);
    this.decayRate = o.number('decayRate', undefined, positive);
    this.staircase = o.boolean('staircase', false);
  }

  rate(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }

  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, decayRate, staircase } = this;
    return { initialLearningRate, decaySteps, decayRate, staircase };
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Steps at which the rate changes, increasing. */
  boundaries: readonly number[];
  /** One more than boundaries: the rate up to and including boundaries[0], then up to each next one. */
  values: readonly number[];
}

/** A step function: values[i] while boundaries[i-1] < step ≤ boundaries[i] (Keras's convention). */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(options: PiecewiseConstantDecayOptions) {
    const o = new Options('PiecewiseConstantDecay', options, ['boundaries', 'values']);
    const boundaries = o.numberList('boundaries', nonNegative);
    const values = o.numberList('values', nonNegative);
    for (let i = 1; i < boundaries.length; i++) {
      if (boundaries[i] <= boundaries[i - 1]) {
        throw new ValueError(
          optimMessages.badOption(o.owner, 'boundaries', boundaries, 'strictly increasing numbers'),
        );
      }
    }
    if (values.length !== boundaries.length + 1) {
      throw new ValueError(optimMessages.scheduleMismatch(o.owner, boundaries.length, values.length));
    }
    this.boundaries = Object.freeze(boundaries);
    this.values = Object.freeze(values);
  }

  rate(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.boundaries.length : i];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  /** Steps over which the rate falls, counted after any warm-up. */
  decaySteps: number;
  /** The final rate as a fraction of the rate decayed from. Default 0. */
  alpha?: number;
  /** With warm-up, the rate rises linearly from initialLearningRate to this, then decays from it. */
  warmupTarget?: number | null;
  /** Default 0. */
  warmupSteps?: number;
}

/**
 * Keras 3's CosineDecay: an optional linear warm-up from initialLearningRate to warmupTarget
 * over warmupSteps, then a half cosine from that rate down to alpha times it over decaySteps,
 * where it stays.
 */
export class CosineDecay implements LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    const o = new Options('CosineDecay', options, [
      'initialLearningRate',
      'decaySteps',
      'alpha',
      'warmupTarget',
      'warmupSteps',
    ]);
    // Zero is allowed, unlike an optimizer's rate: warm-up commonly starts from 0.
    this.initialLearningRate = o.number('initialLearningRate', undefined, nonNegative);
    this.decaySteps = o.number('decaySteps', undefined, positive);
    this.alpha = o.number('alpha', 0, closedUnitInterval);
    this.warmupTarget = o.optionalNumber('warmupTarget', nonNegative);
    this.warmupSteps = o.number('warmupSteps', 0, nonNegativeInteger);
  }

  rate(step: number): number {
    const { initialLearningRate, decaySteps, warmupTarget, warmupSteps } = this;
    if (warmupTarget === null) return this.#decay(Math.min(step, decaySteps), initialLearningRate);
    step = Math.min(step, warmupSteps + decaySteps);
    if (step < warmupSteps) {
      return initialLearningRate + ((warmupTarget - initialLearningRate) * step) / warmupSteps;
    }
    return this.#decay(step - warmupSteps, warmupTarget);
  }

  #decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps } = this;
    return { initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps };
  }
}

export const exponentialDecay = (options: ExponentialDecayOptions): ExponentialDecay =>
  new ExponentialDecay(options);
export const piecewiseConstantDecay = (options: PiecewiseConstantDecayOptions): PiecewiseConstantDecay =>
  new PiecewiseConstantDecay(options);
export const cosineDecay = (options: CosineDecayOptions): CosineDecay => new CosineDecay(options);

// Configs from model.json are checked field by field by the constructors, so the casts are safe.
const schedules: Readonly<Record<string, (config: Record<string, unknown>) => LearningRateSchedule>> = {
  ExponentialDecay: (c) => new ExponentialDecay(c as unknown as ExponentialDecayOptions),
  PiecewiseConstantDecay: (c) => new PiecewiseConstantDecay(c as unknown as PiecewiseConstantDecayOptions),
  CosineDecay: (c) => new CosineDecay(c as unknown as CosineDecayOptions),
};

/** A schedule as given: built already, or serialized as { className, config }. */
export function learningRateSchedule(id: LearningRateSchedule | Serialized): LearningRateSchedule {
  return resolve('learning-rate schedule', schedules, id);
}
