import { conv2dMaxPool } from '../ops/conv2d-max-pool.js';
import { DeeplineError, ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fusedActivation } from './activations.js';
import { InputLayer } from './input.js';
import { type CallContext, checkCompatible, type Layer, type SymbolicTensor } from './layer.js';
import { Conv2D } from './layers/conv2d.js';
import { MaxPooling2D } from './layers/pooling2d.js';

/**
 * The layers of a model between its inputs and outputs, in an order where every layer comes
 * after those it reads from: built once when the model is wired, then run for every batch.
 */
export class Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Every call of a layer, inputs first, in execution order. */
  readonly nodes: readonly SymbolicTensor[];
  /** Each layer once, in the order of its first call (Keras's model.layers). */
  readonly layers: readonly Layer[];
  /** Conv2D outputs computed together with the MaxPooling2D that reads them. */
  readonly #fused = new Map<SymbolicTensor, SymbolicTensor>();

  constructor(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]) {
    for (const x of inputs) {
      if (!(x.layer instanceof InputLayer)) {
        throw new ValueError(
          `model: inputs must come from input({shape}); '${x.layer.name}' is a layer's output`,
        );
      }
    }
    this.inputs = inputs;
    this.outputs = outputs;
    this.nodes = topologicalOrder(inputs, outputs);
    this.layers = [...new Set(this.nodes.map((n) => n.layer))];
    this.#planFusion();
  }

  /** Runs the graph on one tensor per input; returns one tensor per output. */
  run(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    if (inputs.length !== this.inputs.length) {
      throw new ValueError(`model: expected ${this.inputs.length} input(s), got ${inputs.length}`);
    }
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((x, i) => {
      checkCompatible(x.layer.name, x.shape, inputs[i].shape);
      values.set(x, inputs[i]);
    });
    const last = new Set(this.outputs);
    for (const node of this.nodes) {
      if (values.has(node) || this.#fused.has(node)) continue;
      const args = node.inputs.map((x) => values.get(x)!);
      // Only the model's outputs may drop their activation, for a loss that takes logits.
      const nodeContext = last.has(node) ? context : { ...context, withoutActivation: false };
      const conv = this.#convBefore(node);
      values.set(
        node,
        conv
          ? runConvPool(conv.layer as Conv2D, node.layer as MaxPooling2D, values.get(conv.inputs[0])!)
          : node.layer.invoke(args.length === 1 ? args[0] : args, nodeContext),
      );
    }
    return this.outputs.map((x) => values.get(x)!);
  }

  #convBefore(node: SymbolicTensor): SymbolicTensor | undefined {
    const source = node.inputs[0];
    return source && this.#fused.get(source) === node ? source : undefined;
  }

  /**
   * A Conv2D read only by a MaxPooling2D runs as one fused kernel that never writes the
   * convolution's full-size output (the seed CNN's first two layers).
   */
  #planFusion(): void {
    const readers = new Map<SymbolicTensor, SymbolicTensor[]>();
    for (const node of this.nodes) {
      for (const x of node.inputs) readers.set(x, [...(readers.get(x) ?? []), node]);
    }
    const outputs = new Set(this.outputs);
    for (const node of this.nodes) {
      const next = readers.get(node);
      if (
        node.layer instanceof Conv2D &&
        fusedActivation(node.layer.activation) !== null &&
        next?.length === 1 &&
        next[0].layer instanceof MaxPooling2D &&
        !outputs.has(node) &&
        // An activity penalty needs the convolution's own output, which the fused kernel skips.
        !node.layer.activityRegularizer &&
        !next[0].layer.activityRegularizer
      ) {
        this.#fused.set(node, next[0]);
      }
    }
  }
}

function runConvPool(conv: Conv2D, pool: MaxPooling2D, x: Tensor): Tensor {
  return conv2dMaxPool(x, conv.kernel!.value, {
    strides: conv.strides,
    padding: conv.padding,
    dilations: conv.dilationRate,
    bias: conv.bias?.value,
    activation: fusedActivation(conv.activation) ?? 'linear',
    pool: { poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding },
  });
}

/** Depth-first from the outputs, so that only layers the outputs depend on are kept. */
function topologicalOrder(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
): SymbolicTensor[] {
  const order: SymbolicTensor[] = [];
  const state = new Map<SymbolicTensor, 'visiting' | 'done'>();
  const visit = (node: SymbolicTensor) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting')
      throw new DeeplineError(`model: layer '${node.layer.name}' feeds itself`);
    state.set(node, 'visiting');
    if (node.layer instanceof InputLayer && !inputs.includes(node)) {
      throw new ValueError(
        `model: output depends on input '${node.layer.name}', which is not among the model's inputs`,
      );
    }
    for (const x of node.inputs) visit(x);
    state.set(node, 'done');
    order.push(node);
  };
  for (const x of inputs) visit(x);
  for (const y of outputs) visit(y);
  return order;
}
