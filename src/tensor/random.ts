import { allocate, type DType } from '../backend/index.js';
import { sizeOf } from '../backend/storage.js';
import { validShape } from './creation.js';
import { DTypeError, messages, ValueError } from './errors.js';
import { Tensor } from './tensor.js';

/**
 * xoshiro128** (Blackman & Vigna): small state, fast with 32-bit integer maths, and good
 * enough statistically for initializers, dropout and shuffling. Seeded through splitmix32 so
 * that nearby seeds give unrelated streams.
 */
class Rng {
  #s = new Uint32Array(4);
  #spareNormal: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  get state(): RngState {
    return { s: [...this.#s], spareNormal: this.#spareNormal };
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.#s.set(state.s);
    rng.#spareNormal = state.spareNormal;
    return rng;
  }

  nextUint32(): number {
    const s = this.#s;
    const out = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return out;
  }

  /** Uniform in [0, 1), with 24 random bits so that the value is exact in float32. */
  uniform(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Standard normal by the Box–Muller transform, using both values it makes. */
  normal(): number {
    if (this.#spareNormal !== null) {
      const v = this.#spareNormal;
      this.#spareNormal = null;
      return v;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.#spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let global = new Rng((Math.random() * 2 ** 32) >>> 0);

/** Seeds the one random stream behind initializers, dropout and shuffling, for reproducible runs. */
export function setSeed(seed: number): void {
  global = new Rng(seed);
}

/**
 * @internal Where the global stream stands: the four xoshiro words and the Box–Muller value
 * kept for the next normal draw. Plain numbers, so it survives JSON exactly.
 */
export interface RngState {
  s: number[];
  spareNormal: number | null;
}

/** @internal The global stream's state, for a backup to resume it exactly (BackupAndRestore). */
export function getRngState(): RngState {
  return global.state;
}

/** @internal Puts the global stream back where getRngState found it. */
export function setRngState(state: RngState): void {
  const words = state?.s;
  const valid =
    Array.isArray(words) &&
    words.length === 4 &&
    words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32) &&
    // xoshiro's all-zero state is a fixed point: it would draw zeros forever.
    words.some((w) => w !== 0) &&
    (state.spareNormal === null || Number.isFinite(state.spareNormal));
  if (!valid) {
    throw new ValueError(
      messages.invalidArgument(
        'setRngState',
        'state',
        state,
        '{s: four 32-bit unsigned integers, not all zero; spareNormal: a finite number or null}',
      ),
    );
  }
  global = Rng.fromState(state);
}

/** The random stream used when no seed is given: an explicit seed gives a private stream. */
function rngFor(seed?: number): Rng {
  return seed === undefined ? global : new Rng(seed);
}

export interface RandomOptions {
  dtype?: DType;
  seed?: number;
}

function fill(op: string, shape: readonly number[], dtype: DType, draw: () => number): Tensor {
  if (dtype === 'bool')
    throw new DTypeError(messages.dtypeNotAllowed(op, dtype, shape, 'float32, float64 or int32'));
  const size = sizeOf(validShape(op, shape));
  const values = allocate(dtype, size);
  for (let i = 0; i < size; i++) values[i] = draw();
  return new Tensor(values, shape, dtype);
}

/** Uniform in [minval, maxval); for int32, integers in that range. */
export function randomUniform(
  shape: readonly number[],
  options: RandomOptions & { minval?: number; maxval?: number } = {},
): Tensor {
  const { minval = 0, maxval = 1, dtype = 'float32' } = options;
  const rng = rngFor(options.seed);
  const span = maxval - minval;
  const draw =
    dtype === 'int32' ? () => Math.floor(minval + rng.uniform() * span) : () => minval + rng.uniform() * span;
  return fill('randomUniform', shape, dtype, draw);
}

export function randomNormal(
  shape: readonly number[],
  options: RandomOptions & { mean?: number; stddev?: number } = {},
): Tensor {
  const { mean = 0, stddev = 1, dtype = 'float32' } = options;
  const rng = rngFor(options.seed);
  return fill('randomNormal', shape, dtype, () => mean + stddev * rng.normal());
}

/** Normal values redrawn until they fall within two standard deviations, as in Keras. */
export function truncatedNormal(
  shape: readonly number[],
  options: RandomOptions & { mean?: number; stddev?: number } = {},
): Tensor {
  const { mean = 0, stddev = 1, dtype = 'float32' } = options;
  const rng = rngFor(options.seed);
  return fill('truncatedNormal', shape, dtype, () => {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    return mean + stddev * z;
  });
}
