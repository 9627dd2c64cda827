import { backward } from '../autograd/backward.js';
import { type DType, isFloat, type TypedArray } from '../backend/index.js';
import { DeeplineError, DTypeError, messages, ShapeError } from './errors.js';
import { formatTensor } from './format.js';
import { sizeOfShape } from './shape.js';

export type NestedArray = number | boolean | NestedArray[];

/**
 * How a result was computed: the op's inputs and the rule that turns the gradient of the result
 * `y` into one gradient per input (null where none flows).
 */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: (dy: Tensor, y: Tensor) => readonly (Tensor | null)[];
}

/**
 * An immutable n-dimensional array. Its memory belongs to the garbage collector: there is no
 * dispose(). Results of ops on tensors that require gradients carry the node that made them, so
 * `backward()` can walk the graph; the graph is freed with the tensors that reference it.
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** @internal Contiguous row-major values, shared by reshapes and never written after creation. */
  readonly values: TypedArray;
  /** The gradient accumulated by `backward()`, for leaves that require one. */
  grad: Tensor | null = null;
  /** @internal */
  readonly node: GradNode | null;
  #requiresGrad = false;

  /** @internal Use `tensor()` and the other creation functions. */
  constructor(values: TypedArray, shape: readonly number[], dtype: DType, node: GradNode | null = null) {
    this.values = values;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.node = node;
  }

  get size(): number {
    return sizeOfShape(this.shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** True for leaves marked as parameters and for every result computed from one. */
  get requiresGrad(): boolean {
    return this.#requiresGrad || this.node !== null;
  }

  set requiresGrad(value: boolean) {
    if (this.node !== null) throw new DeeplineError(messages.requiresGradOnResult());
    if (value && !isFloat(this.dtype)) {
      throw new DTypeError(messages.requiresGradOnNonFloat(this.dtype));
    }
    this.#requiresGrad = value;
  }

  /** A copy of the values, row-major. */
  data(): TypedArray {
    return this.values.slice();
  }

  /** The values as nested arrays (booleans for bool tensors). */
  toArray(): NestedArray {
    const { values, shape } = this;
    const bool = this.dtype === 'bool';
    const build = (dim: number, offset: number, stride: number): NestedArray => {
      if (dim === shape.length) return bool ? values[offset] !== 0 : values[offset];
      const inner = stride / shape[dim];
      return Array.from({ length: shape[dim] }, (_, i) => build(dim + 1, offset + i * inner, inner));
    };
    return build(0, 0, this.size);
  }

  /** The single value of a tensor with one element. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(messages.notScalar('item', this.shape));
    return this.values[0];
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires one and adds
   * it to that leaf's `grad`. A non-scalar tensor needs the gradient of some scalar with
   * respect to it (PyTorch's convention).
   */
  backward(gradient?: Tensor): void {
    backward(this, gradient);
  }

  /** The same values, cut from the graph: a leaf that does not require a gradient. */
  detach(): Tensor {
    return new Tensor(this.values, this.shape, this.dtype);
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
