import { add, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { abs, square } from '../ops/unary.js';
import { scalar } from '../tensor/creation.js';
import { ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Configurable, checkOptions, resolve, type Serialized } from './serialize.js';

/** A penalty on a weight or an activation, added to the loss. */
export interface Regularizer extends Configurable {
  /** A scalar, written with differentiable ops so that the train step gets its gradient. */
  penalty(x: Tensor): Tensor;
}

export interface L1L2Options {
  l1?: number;
  l2?: number;
}

type ClassName = 'L1' | 'L2' | 'L1L2';

/** l1·Σ|x| + l2·Σx². L1 and L2 are this with one factor, and a config holding only that factor. */
class L1L2 implements Regularizer {
  readonly l1: number;
  readonly l2: number;

  constructor(
    options: L1L2Options,
    readonly className: ClassName,
  ) {
    this.l1 = factor(className, 'l1', options.l1 ?? 0);
    this.l2 = factor(className, 'l2', options.l2 ?? 0);
  }

  penalty(x: Tensor): Tensor {
    // A zero factor adds no term, as in Keras, so an L1L2 with l2 = 0 does not square the weights.
    const terms: Tensor[] = [];
    if (this.l1 > 0) terms.push(mul(sum(abs(x)), this.l1));
    if (this.l2 > 0) terms.push(mul(sum(square(x)), this.l2));
    if (terms.length === 0) return scalar(0, x.dtype);
    return terms.reduce((total, term) => add(total, term));
  }

  getConfig(): Record<string, unknown> {
    if (this.className === 'L1') return { l1: this.l1 };
    if (this.className === 'L2') return { l2: this.l2 };
    return { l1: this.l1, l2: this.l2 };
  }
}

function factor(className: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(
      invalidArgument(className, argument, value, 'a finite number ≥ 0 (0 turns the term off)'),
    );
  }
  return value;
}

/** l1·Σ|x|; pushes weights to exactly zero. Keras's default factor is 0.01. */
export const l1 = (options: { l1?: number } = {}): Regularizer => new L1L2({ l1: options.l1 ?? 0.01 }, 'L1');

/** l2·Σx² (weight decay); keeps weights small. Keras's default factor is 0.01. */
export const l2 = (options: { l2?: number } = {}): Regularizer => new L1L2({ l2: options.l2 ?? 0.01 }, 'L2');

/** Both penalties; as Keras's L1L2 class, each factor defaults to 0. */
export const l1l2 = (options: L1L2Options = {}): Regularizer => new L1L2(options, 'L1L2');

type Factory = (config: Record<string, unknown>) => Regularizer;

/** Refuses unknown options, so that a misspelt factor is an error rather than a silent 0.01. */
function accepting(
  name: string,
  keys: readonly string[],
  make: (options: L1L2Options) => Regularizer,
): Factory {
  return (config) => {
    checkOptions(`regularizer ${name}`, config, keys);
    return make(config as L1L2Options);
  };
}

// A name alone should regularize: the string shortcuts for both factors use Keras's old
// l1_l2() defaults of 0.01 each, where the class L1L2 with no config would be a zero penalty.
const shortcutL1L2 = (options: L1L2Options): Regularizer => l1l2({ l1: 0.01, l2: 0.01, ...options });

const factories: Record<string, Factory> = {
  L1: accepting('L1', ['l1'], l1),
  L2: accepting('L2', ['l2'], l2),
  L1L2: accepting('L1L2', ['l1', 'l2'], l1l2),
  l1: accepting('l1', ['l1'], l1),
  l2: accepting('l2', ['l2'], l2),
  l1l2: accepting('l1l2', ['l1', 'l2'], shortcutL1L2),
  l1_l2: accepting('l1_l2', ['l1', 'l2'], shortcutL1L2),
};

/** A regularizer from a name ('l2'), a Regularizer, or {className, config} read from a file. */
export function regularizer(id: string | Regularizer | Serialized): Regularizer {
  if (typeof id !== 'string' && (typeof id !== 'object' || id === null)) {
    throw new ValueError(
      `regularizer: got ${JSON.stringify(id)}, expected a name such as 'l2', a Regularizer, or {className, config}`,
    );
  }
  return resolve<Regularizer>('regularizer', factories, id);
}

// The catalog's invalidArgument wording, but NaN and Infinity print as themselves, not as JSON's null.
function invalidArgument(op: string, argument: string, got: unknown, expected: string): string {
  const shown = typeof got === 'number' ? String(got) : JSON.stringify(got);
  return `${op}: ${argument} is ${shown}, expected ${expected}`;
}
