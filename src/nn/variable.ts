import { messages, ShapeError } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Regularizer } from './regularizers.js';

/**
 * A layer's weight: a named slot whose tensor is replaced (never written in place) by the
 * optimizer or setWeights. A trainable variable always holds a leaf that requires a gradient,
 * so a forward pass under recording builds the graph the train step differentiates.
 */
export class Variable {
  readonly name: string;
  readonly trainable: boolean;
  readonly regularizer: Regularizer | null;
  #value!: Tensor;

  constructor(name: string, value: Tensor, trainable = true, regularizer: Regularizer | null = null) {
    this.name = name;
    this.trainable = trainable;
    this.regularizer = regularizer;
    this.#set(value);
  }

  get value(): Tensor {
    return this.#value;
  }

  get shape(): readonly number[] {
    return this.#value.shape;
  }

  /** Replaces the value with one of the same shape. */
  assign(value: Tensor): void {
    if (!shapesEqual(value.shape, this.#value.shape)) {
      throw new ShapeError(messages.assignShape(this.name, this.#value.shape, value.shape));
    }
    this.#set(value);
  }

  #set(value: Tensor): void {
    // Always a fresh leaf: marking the caller's own tensor as requiring a gradient would change it.
    const leaf = value.detach();
    leaf.requiresGrad = this.trainable;
    this.#value = leaf;
  }
}
