import { noGrad } from '../autograd/mode.js';
import { type Serialized, serialize } from '../nn/serialize.js';
import type { Variable } from '../nn/variable.js';
import { mul, sub } from '../ops/arithmetic.js';
import { full, scalar } from '../tensor/creation.js';
import { DTypeError, ShapeError, ValueError } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { clipByGlobalNorm, clipByNorm, clipByValue } from './clipping.js';
import { optimMessages } from './messages.js';
import type { Optimizer } from './optimizer.js';
import { Options, positive } from './options.js';
import { type LearningRateSchedule, learningRateSchedule } from './schedules.js';

/** The options every optimizer takes (Keras 3's base optimizer arguments, camelCased). */
export interface OptimizerOptions {
  /** A fixed rate, or a schedule evaluated at each step. */
  learningRate?: number | LearningRateSchedule | Serialized;
  /** Decoupled weight decay: w ← w − rate·weightDecay·w before each update. Off by default. */
  weightDecay?: number | null;
  /** Rescales each gradient whose L2 norm exceeds this. */
  clipNorm?: number | null;
  /** Clips each gradient element to [-clipValue, clipValue]. */
  clipValue?: number | null;
  /** Rescales all gradients together when their global L2 norm exceeds this. */
  globalClipNorm?: number | null;
}

const BASE_OPTIONS = ['learningRate', 'weightDecay', 'clipNorm', 'clipValue', 'globalClipNorm'] as const;

/** A per-variable state tensor of an optimizer, such as Adam's first moment. */
export interface Slot {
  readonly name: string;
  /** Every element's value before the first update. */
  readonly initial: number;
}

/** What one optimizer step computes for one variable. */
export interface Update {
  value: Tensor;
  /** In the order of slotSpecs(). */
  slots: Tensor[];
}

/** The defaults a subclass gives the base options. */
export interface BaseDefaults {
  learningRate: number;
  weightDecay?: number | null;
}

/**
 * What every optimizer shares: the learning rate or its schedule, the step count, clipping,
 * weight decay, and the per-variable slots with their saving and restoring. A subclass gives
 * its slots and the update of one variable.
 */
export abstract class BaseOptimizer implements Optimizer {
  readonly className: string;
  readonly weightDecay: number | null;
  readonly clipNorm: number | null;
  readonly clipValue: number | null;
  readonly globalClipNorm: number | null;
  #learningRate: number | LearningRateSchedule;
  #iterations = 0;
  // Keyed by the Variable object, not its name: two layers may hold variables of the same name.
  readonly #slots = new Map<Variable, Tensor[]>();
  /** The constructor's options, for the subclass to read its own from. */
  protected readonly options: Options;

  /**
   * Checks the base options and keeps the reader (`options`) the subclass takes its own from;
   * an option named in neither the base list nor `ownOptions` is rejected by name.
   */
  protected constructor(
    className: string,
    options: object,
    ownOptions: readonly string[],
    defaults: BaseDefaults,
  ) {
    this.className = className;
    const o = new Options(className, options, [...BASE_OPTIONS, ...ownOptions]);
    this.#learningRate = parseLearningRate(o, defaults.learningRate);
    const decay = o.optionalNumber('weightDecay', {
      test: (x) => Number.isFinite(x) && x >= 0,
      expected: 'a finite number ≥ 0, or null',
    });
    this.weightDecay = decay ?? defaults.weightDecay ?? null;
    this.clipNorm = o.optionalNumber('clipNorm', positive);
    this.clipValue = o.optionalNumber('clipValue', positive);
    this.globalClipNorm = o.optionalNumber('globalClipNorm', positive);
    const given = (['clipNorm', 'clipValue', 'globalClipNorm'] as const).filter((k) => this[k] !== null);
    if (given.length > 1) throw new ValueError(optimMessages.clipExclusive(className, given));
    this.options = o;
  }

  /** The slots each trainable variable gets, in the order getState writes them. */
  protected abstract slotSpecs(): readonly Slot[];

  /** One update of one variable from its (clipped, decayed) gradient; `step` counts from 1. */
  protected abstract update(
    value: Tensor,
    grad: Tensor,
    slots: readonly Tensor[],
    rate: number,
    step: number,
  ): Update;

  /** The subclass's own options, as its constructor takes them. */
  protected abstract ownConfig(): Record<string, unknown>;

  get learningRate(): number {
    const lr = this.#learningRate;
    return typeof lr === 'number' ? lr : lr.rate(this.#iterations);
  }

  setLearningRate(rate: number): void {
    if (!positive.test(rate)) {
      throw new ValueError(
        optimMessages.badOption(`${this.className}.setLearningRate`, 'rate', rate, positive.expected),
      );
    }
    this.#learningRate = rate;
  }

  get iterations(): number {
    return this.#iterations;
  }

  applyGradients(variables: readonly Variable[], grads: readonly Tensor[]): void {
    if (variables.length !== grads.length) {
      throw new ValueError(optimMessages.gradCount(this.className, variables.length, grads.length));
    }
    for (let i = 0; i < variables.length; i++) this.#checkGradient(variables[i], grads[i]);
    const trained = variables.flatMap((variable, i) =>
      variable.trainable ? [{ variable, grad: grads[i] }] : [],
    );
    noGrad(() => {
      const clipped = this.#clip(trained.map((t) => t.grad));
      const rate = this.learningRate;
      const step = this.#iterations + 1;
      trained.forEach(({ variable }, i) => {
        let value = variable.value;
        if (this.weightDecay) value = sub(value, mul(value, rate * this.weightDecay));
        const next = this.update(value, clipped[i], this.#slotsFor(variable), rate, step);
        variable.assign(next.value);
        this.#slots.set(variable, next.slots);
      });
    });
    this.#iterations++;
  }

  getState(variables: readonly Variable[]): Tensor[] {
    const state = [scalar(this.#iterations)];
    for (const variable of variables) {
      if (variable.trainable) state.push(...this.#slotsFor(variable));
    }
    return state;
  }

  setState(variables: readonly Variable[], state: readonly Tensor[]): void {
    const specs = this.slotSpecs();
    const trainable = variables.filter((v) => v.trainable);
    const expected = 1 + trainable.length * specs.length;
    if (state.length !== expected) {
      const names = specs.map((s) => s.name);
      throw new ValueError(
        optimMessages.stateCount(this.className, expected, state.length, names, trainable.length),
      );
    }
    if (state[0].size !== 1) throw new ShapeError(optimMessages.stateStep(this.className, state[0].shape));
    // Check everything before changing anything, so a failed restore leaves the optimizer as it was.
    trainable.forEach((variable, i) => {
      specs.forEach((spec, j) => {
        const slot = state[1 + i * specs.length + j];
        if (!shapesEqual(slot.shape, variable.shape)) {
          throw new ShapeError(
            optimMessages.stateShape(this.className, variable.name, spec.name, variable.shape, slot.shape),
          );
        }
      });
    });
    this.#iterations = Math.round(state[0].item());
    trainable.forEach((variable, i) => {
      this.#slots.set(variable, state.slice(1 + i * specs.length, 1 + (i + 1) * specs.length));
    });
  }

  getConfig(): Record<string, unknown> {
    const lr = this.#learningRate;
    return {
      learningRate: typeof lr === 'number' ? lr : serialize(lr),
      weightDecay: this.weightDecay,
      clipNorm: this.clipNorm,
      clipValue: this.clipValue,
      globalClipNorm: this.globalClipNorm,
      ...this.ownConfig(),
    };
  }

  #checkGradient(variable: Variable, grad: Tensor): void {
    if (!shapesEqual(grad.shape, variable.shape)) {
      throw new ShapeError(
        optimMessages.gradShape(this.className, variable.name, variable.shape, grad.shape),
      );
    }
    if (grad.dtype !== variable.value.dtype) {
      throw new DTypeError(
        optimMessages.gradDtype(this.className, variable.name, variable.value.dtype, grad.dtype),
      );
    }
  }

  #clip(grads: Tensor[]): Tensor[] {
    const { clipNorm, clipValue, globalClipNorm } = this;
    if (clipNorm !== null) return grads.map((g) => clipByNorm(g, clipNorm));
    if (globalClipNorm !== null) return clipByGlobalNorm(grads, globalClipNorm);
    if (clipValue !== null) return grads.map((g) => clipByValue(g, clipValue));
    return grads;
  }

  #slotsFor(variable: Variable): Tensor[] {
    let slots = this.#slots.get(variable);
    if (slots === undefined) {
      slots = this.slotSpecs().map((spec) => full(variable.shape, spec.initial, variable.value.dtype));
      this.#slots.set(variable, slots);
    }
    return slots;
  }
}

function parseLearningRate(o: Options, fallback: number): number | LearningRateSchedule {
  const lr = o.raw('learningRate');
  if (lr === undefined || lr === null || typeof lr === 'number')
    return o.number('learningRate', fallback, positive);
  if (typeof lr === 'object' && 'rate' in lr && typeof lr.rate === 'function')
    return lr as LearningRateSchedule;
  if (typeof lr === 'object' && 'className' in lr) return learningRateSchedule(lr as Serialized);
  throw new ValueError(optimMessages.notASchedule(o.owner, lr));
}
