import { Graph } from '../nn/graph.js';
import { input } from '../nn/input.js';
import { Layer, type Shape } from '../nn/layer.js';
import { ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Model } from './model.js';

/**
 * A plain stack of layers, each reading the previous one's output. It is built as soon as its
 * input shape is known: from the first layer's `inputShape`, or from the first data it sees.
 */
export class Sequential extends Model {
  readonly #stack: Layer[] = [];

  constructor(layers: readonly Layer[] = [], config: { name?: string } = {}) {
    super({ name: config.name ?? 'sequential' });
    for (const layer of layers) this.add(layer);
  }

  override get className(): string {
    return 'Sequential';
  }

  /** The stacked layers, without the input placeholder (as Keras lists them). */
  override get layers(): readonly Layer[] {
    return [...this.#stack];
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) {
      throw new ValueError(`${this.name}: add() takes a layer, got ${Object.prototype.toString.call(layer)}`);
    }
    if (this.#stack.includes(layer))
      throw new ValueError(`${this.name}: layer '${layer.name}' is already in the model`);
    this.#stack.push(layer);
    // Built models rebuild at once, so that the new layer's weights exist before the next step.
    const shape = this.#stack[0].batchInputShape ?? (this.built ? this.inputs[0].shape : null);
    if (shape) this.build(shape);
  }

  protected override buildFrom(samples: readonly Tensor[]): void {
    if (samples.length !== 1)
      throw new ValueError(`${this.name}: a sequential model takes one input, got ${samples.length}`);
    this.build([null, ...samples[0].shape.slice(1)]);
  }

  /** Builds the model for inputs of this shape, batch dimension first (null): Keras's build(). */
  build(batchShape: Shape): void {
    if (this.#stack.length === 0)
      throw new ValueError(`${this.name}: the model has no layers; add some first`);
    if (batchShape.slice(1).some((d) => d === null)) {
      throw new ValueError(
        `${this.name}: inputShape must be fully known, got ${JSON.stringify(batchShape.slice(1))}`,
      );
    }
    const x = input({ shape: batchShape.slice(1) as number[], name: `${this.#stack[0].name}_input` });
    let y = x;
    for (const layer of this.#stack) y = layer.apply(y);
    this.setGraph(new Graph([x], [y]));
  }
}

/** `sequential([layer, …])`, as TensorFlow.js's tf.sequential. */
export function sequential(layers: readonly Layer[] = [], config: { name?: string } = {}): Sequential {
  return new Sequential(layers, config);
}
