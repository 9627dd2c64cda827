import { full } from '../tensor/creation.js';
import { ValueError } from '../tensor/errors.js';
import * as random from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type Configurable, checkOptions, resolve, type Serialized } from './serialize.js';

/** Makes a layer's starting weights (float32) for a shape known only at build time. */
export interface Initializer extends Configurable {
  init(shape: readonly number[]): Tensor;
}

/**
 * Every random initializer takes a seed. With one, each `init` call restarts the same private
 * stream (as Keras does); without one, values come from the global stream of `setSeed`.
 */
export interface SeedOptions {
  seed?: number;
}

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type ScalingDistribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

export interface VarianceScalingOptions extends SeedOptions {
  scale?: number;
  mode?: FanMode;
  distribution?: ScalingDistribution;
}

export interface ConstantOptions {
  value?: number;
}

export interface RandomNormalOptions extends SeedOptions {
  mean?: number;
  stddev?: number;
}

export interface RandomUniformOptions extends SeedOptions {
  minval?: number;
  maxval?: number;
}

export interface OrthogonalOptions extends SeedOptions {
  gain?: number;
}

/**
 * Fans as Keras computes them. A conv kernel [...window, in, out] feeds each output from
 * window·in inputs, so its receptive field multiplies both fans.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((n, d) => n * d, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

// The standard deviation of a standard normal truncated to ±2, which truncated draws must be
// divided by to keep the variance the formula asks for (the constant Keras uses).
const TRUNCATED_STDDEV = 0.87962566103423978;

const FAN_MODES: readonly FanMode[] = ['fanIn', 'fanOut', 'fanAvg'];
const DISTRIBUTIONS: readonly ScalingDistribution[] = ['truncatedNormal', 'untruncatedNormal', 'uniform'];

// Configs written by Keras spell these in snake_case; 'normal' is Keras's old name for truncated.
const FAN_MODE_ALIASES: Record<string, FanMode> = { fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg' };
const DISTRIBUTION_ALIASES: Record<string, ScalingDistribution> = {
  truncated_normal: 'truncatedNormal',
  untruncated_normal: 'untruncatedNormal',
  normal: 'truncatedNormal',
};

class VarianceScaling implements Initializer {
  readonly className: string;
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: ScalingDistribution;
  readonly seed: number | undefined;
  // Presets (GlorotUniform…) fix scale, mode and distribution, so their config holds the seed only.
  readonly #preset: boolean;

  constructor(options: VarianceScalingOptions = {}, presetName?: string) {
    this.className = presetName ?? 'VarianceScaling';
    this.#preset = presetName !== undefined;
    this.scale = options.scale ?? 1;
    if (!Number.isFinite(this.scale) || this.scale <= 0) {
      throw new ValueError(invalidArgument(this.className, 'scale', this.scale, 'a positive number'));
    }
    this.mode = oneOf(this.className, 'mode', options.mode ?? 'fanIn', FAN_MODES, FAN_MODE_ALIASES);
    this.distribution = oneOf(
      this.className,
      'distribution',
      options.distribution ?? 'truncatedNormal',
      DISTRIBUTIONS,
      DISTRIBUTION_ALIASES,
    );
    this.seed = checkSeed(this.className, options.seed);
  }

  init(shape: readonly number[]): Tensor {
    const variance = this.scale / Math.max(1, this.fan(shape));
    const seed = this.seed;
    switch (this.distribution) {
      case 'truncatedNormal':
        return random.truncatedNormal(shape, { stddev: Math.sqrt(variance) / TRUNCATED_STDDEV, seed });
      case 'untruncatedNormal':
        return random.randomNormal(shape, { stddev: Math.sqrt(variance), seed });
      case 'uniform': {
        // A uniform on [-limit, limit] has variance limit²/3.
        const limit = Math.sqrt(3 * variance);
        return random.randomUniform(shape, { minval: -limit, maxval: limit, seed });
      }
    }
  }

  fan(shape: readonly number[]): number {
    const { fanIn, fanOut } = computeFans(shape);
    if (this.mode === 'fanIn') return fanIn;
    if (this.mode === 'fanOut') return fanOut;
    return (fanIn + fanOut) / 2;
  }

  getConfig(): Record<string, unknown> {
    if (this.#preset) return withSeed({}, this.seed);
    return withSeed({ scale: this.scale, mode: this.mode, distribution: this.distribution }, this.seed);
  }
}

class Constant implements Initializer {
  readonly className: string;
  readonly value: number;

  /** Zeros and Ones are constants whose value their name already says. */
  constructor(options: ConstantOptions = {}, presetName?: 'Zeros' | 'Ones') {
    this.className = presetName ?? 'Constant';
    this.value = finite(this.className, 'value', options.value ?? 0);
  }

  init(shape: readonly number[]): Tensor {
    return full(shape, this.value);
  }

  getConfig(): Record<string, unknown> {
    return this.className === 'Constant' ? { value: this.value } : {};
  }
}

class RandomNormal implements Initializer {
  readonly mean: number;
  readonly stddev: number;
  readonly seed: number | undefined;

  /** TruncatedNormal shares everything but the draw, which it redraws beyond two deviations. */
  constructor(
    options: RandomNormalOptions = {},
    readonly className: 'RandomNormal' | 'TruncatedNormal' = 'RandomNormal',
  ) {
    this.mean = finite(className, 'mean', options.mean ?? 0);
    this.stddev = nonNegative(className, 'stddev', options.stddev ?? 0.05);
    this.seed = checkSeed(className, options.seed);
  }

  init(shape: readonly number[]): Tensor {
    const draw = this.className === 'TruncatedNormal' ? random.truncatedNormal : random.randomNormal;
    return draw(shape, { mean: this.mean, stddev: this.stddev, seed: this.seed });
  }

  getConfig(): Record<string, unknown> {
    return withSeed({ mean: this.mean, stddev: this.stddev }, this.seed);
  }
}

class RandomUniform implements Initializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  readonly seed: number | undefined;

  constructor(options: RandomUniformOptions = {}) {
    this.minval = finite(this.className, 'minval', options.minval ?? -0.05);
    this.maxval = finite(this.className, 'maxval', options.maxval ?? 0.05);
    if (this.maxval < this.minval) {
      throw new ValueError(
        invalidArgument(this.className, 'maxval', this.maxval, `a number ≥ minval (${this.minval})`),
      );
    }
    this.seed = checkSeed(this.className, options.seed);
  }

  init(shape: readonly number[]): Tensor {
    return random.randomUniform(shape, { minval: this.minval, maxval: this.maxval, seed: this.seed });
  }

  getConfig(): Record<string, unknown> {
    return withSeed({ minval: this.minval, maxval: this.maxval }, this.seed);
  }
}

class Orthogonal implements Initializer {
  readonly className = 'Orthogonal';
  readonly gain: number;
  readonly seed: number | undefined;

  constructor(options: OrthogonalOptions = {}) {
    this.gain = finite(this.className, 'gain', options.gain ?? 1);
    this.seed = checkSeed(this.className, options.seed);
  }

  /**
   * Keras's recipe: flatten to [prod(shape[:-1]), shape[-1]], orthonormalise the columns of a
   * normal matrix of the taller orientation, and transpose back when the shape is wide, so that
   * whichever of rows or columns is shorter comes out orthonormal.
   */
  init(shape: readonly number[]): Tensor {
    if (shape.length < 2) {
      throw new ValueError(
        invalidArgument(this.className, 'shape', shape, 'a shape of rank ≥ 2 (such as a kernel)'),
      );
    }
    const rows = shape.slice(0, -1).reduce((n, d) => n * d, 1);
    const cols = shape[shape.length - 1];
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    const a = random.randomNormal([tall, narrow], { seed: this.seed });
    const q = orthonormalColumns(a.data(), tall, narrow);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < tall; i++) {
      for (let j = 0; j < narrow; j++) {
        const v = this.gain * q[j][i];
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v;
      }
    }
    return new Tensor(out, shape, 'float32');
  }

  getConfig(): Record<string, unknown> {
    return withSeed({ gain: this.gain }, this.seed);
  }
}

/**
 * The Q of a reduced QR of the row-major m×n matrix `a` (m ≥ n), as n columns of length m,
 * with each column's sign chosen so that diag(R) is positive: that makes Q unique, and so
 * uniformly distributed when `a` is normal (Mezzadri 2007), which is why Keras corrects signs.
 * Modified Gram–Schmidt, run twice per column, in float64: one pass loses orthogonality on
 * nearly dependent columns; a second restores it to rounding ("twice is enough", Giraud et al.).
 */
function orthonormalColumns(a: ArrayLike<number>, m: number, n: number): Float64Array[] {
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = a[i * n + j];
    let rjj = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (const qk of q) subtractProjection(v, qk);
      rjj = norm(v);
    }
    // rjj is a norm, hence ≥ 0: Gram–Schmidt's R already has the sign Keras's correction imposes.
    // It is zero only for a dependent column, which a normal draw gives with probability zero.
    for (let i = 0; i < m; i++) v[i] /= rjj;
    q.push(v);
  }
  return q;
}

function subtractProjection(v: Float64Array, unit: Float64Array): void {
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += v[i] * unit[i];
  for (let i = 0; i < v.length; i++) v[i] -= dot * unit[i];
}

function norm(v: Float64Array): number {
  let squares = 0;
  for (let i = 0; i < v.length; i++) squares += v[i] * v[i];
  return Math.sqrt(squares);
}

function withSeed(config: Record<string, unknown>, seed: number | undefined): Record<string, unknown> {
  return seed === undefined ? config : { ...config, seed };
}

// Keras writes `seed: null` for an unseeded initializer; null and undefined both mean "global stream".
function checkSeed(className: string, seed: number | null | undefined): number | undefined {
  if (seed === undefined || seed === null) return undefined;
  if (!Number.isInteger(seed)) {
    throw new ValueError(invalidArgument(className, 'seed', seed, 'an integer, or no seed'));
  }
  return seed;
}

function finite(className: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(invalidArgument(className, argument, value, 'a finite number'));
  }
  return value;
}

function nonNegative(className: string, argument: string, value: number): number {
  if (finite(className, argument, value) < 0) {
    throw new ValueError(invalidArgument(className, argument, value, 'a number ≥ 0'));
  }
  return value;
}

function oneOf<T extends string>(
  className: string,
  argument: string,
  value: string,
  allowed: readonly T[],
  aliases: Record<string, T>,
): T {
  const resolved = Object.hasOwn(aliases, value) ? aliases[value] : value;
  if (!(allowed as readonly string[]).includes(resolved)) {
    throw new ValueError(
      invalidArgument(className, argument, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`),
    );
  }
  return resolved as T;
}

// --- Factories, with Keras's names and defaults ---------------------------------------------

export const varianceScaling = (options?: VarianceScalingOptions): Initializer =>
  new VarianceScaling(options);

const preset =
  (className: string, scale: number, mode: FanMode, distribution: ScalingDistribution) =>
  (options: SeedOptions = {}): Initializer =>
    new VarianceScaling({ scale, mode, distribution, seed: options.seed }, className);

/** Variance 2/(fanIn + fanOut), uniform: Keras's default kernel initializer. */
export const glorotUniform = preset('GlorotUniform', 1, 'fanAvg', 'uniform');
export const glorotNormal = preset('GlorotNormal', 1, 'fanAvg', 'truncatedNormal');
/** Variance 2/fanIn, for layers followed by relu. */
export const heNormal = preset('HeNormal', 2, 'fanIn', 'truncatedNormal');
export const heUniform = preset('HeUniform', 2, 'fanIn', 'uniform');
/** Variance 1/fanIn, for layers followed by selu. */
export const lecunNormal = preset('LecunNormal', 1, 'fanIn', 'truncatedNormal');
export const lecunUniform = preset('LecunUniform', 1, 'fanIn', 'uniform');

export const zeros = (): Initializer => new Constant({ value: 0 }, 'Zeros');
export const ones = (): Initializer => new Constant({ value: 1 }, 'Ones');
export const constant = (options?: ConstantOptions): Initializer => new Constant(options);
export const randomNormal = (options?: RandomNormalOptions): Initializer => new RandomNormal(options);
export const randomUniform = (options?: RandomUniformOptions): Initializer => new RandomUniform(options);
/** Normal values redrawn beyond two standard deviations, so no weight starts far out. */
export const truncatedNormal = (options?: RandomNormalOptions): Initializer =>
  new RandomNormal(options, 'TruncatedNormal');
/** A (semi-)orthogonal matrix times `gain`, which keeps activations' norms through deep stacks. */
export const orthogonal = (options?: OrthogonalOptions): Initializer => new Orthogonal(options);

// --- Lookup by name -------------------------------------------------------------------------

type Factory = (config: Record<string, unknown>) => Initializer;

/**
 * A factory that refuses options it does not know, so that a misspelt option in a config
 * (`stdev`) is an error rather than a silently ignored default.
 */
function accepting<O>(name: string, keys: readonly string[], make: (options: O) => Initializer): Factory {
  return (config) => {
    checkOptions(`initializer ${name}`, config, keys);
    return make(config as O);
  };
}

const SEED = ['seed'];

// Keyed by the camelCase name; Keras's class names and snake_case names are mapped onto these.
const factories: Record<string, Factory> = {
  glorotUniform: accepting('glorotUniform', SEED, glorotUniform),
  glorotNormal: accepting('glorotNormal', SEED, glorotNormal),
  heNormal: accepting('heNormal', SEED, heNormal),
  heUniform: accepting('heUniform', SEED, heUniform),
  lecunNormal: accepting('lecunNormal', SEED, lecunNormal),
  lecunUniform: accepting('lecunUniform', SEED, lecunUniform),
  zeros: accepting('zeros', [], zeros),
  ones: accepting('ones', [], ones),
  constant: accepting('constant', ['value'], constant),
  randomNormal: accepting('randomNormal', ['mean', 'stddev', 'seed'], randomNormal),
  randomUniform: accepting('randomUniform', ['minval', 'maxval', 'seed'], randomUniform),
  truncatedNormal: accepting('truncatedNormal', ['mean', 'stddev', 'seed'], truncatedNormal),
  orthogonal: accepting('orthogonal', ['gain', 'seed'], orthogonal),
  varianceScaling: accepting('varianceScaling', ['scale', 'mode', 'distribution', 'seed'], varianceScaling),
};

/** 'GlorotUniform' and 'glorot_uniform' → 'glorotUniform'; names that map to nothing are kept for the error. */
function canonicalName(name: string): string {
  const camel = name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const key = camel.charAt(0).toLowerCase() + camel.slice(1);
  return Object.hasOwn(factories, key) ? key : name;
}

/**
 * An initializer from what a layer config may hold: a name in any of Keras's spellings
 * ('glorotUniform', 'GlorotUniform', 'glorot_uniform'), an Initializer, or {className, config}.
 */
export function initializer(id: string | Initializer | Serialized): Initializer {
  if (typeof id === 'string') return resolve<Initializer>('initializer', factories, canonicalName(id));
  if (typeof id !== 'object' || id === null) throw new ValueError(badIdentifier(id));
  if ('getConfig' in id) return resolve<Initializer>('initializer', factories, id);
  if (typeof id.className !== 'string') throw new ValueError(badIdentifier(id));
  return resolve<Initializer>('initializer', factories, {
    className: canonicalName(id.className),
    config: id.config ?? {},
  });
}

function badIdentifier(id: unknown): string {
  return `initializer: got ${JSON.stringify(id)}, expected a name such as 'glorotUniform', an Initializer, or {className, config}`;
}

// The catalog's invalidArgument wording, but NaN and Infinity print as themselves, not as JSON's null.
function invalidArgument(op: string, argument: string, got: unknown, expected: string): string {
  const shown = typeof got === 'number' ? String(got) : JSON.stringify(got);
  return `${op}: ${argument} is ${shown}, expected ${expected}`;
}
