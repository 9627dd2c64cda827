import { add } from '../ops/arithmetic.js';
import { onesLike, zerosLike } from '../tensor/creation.js';
import { DeeplineError, messages, ShapeError } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from './mode.js';

/** The imperative API (PyTorch's): accumulate d(root)/d(leaf) into every leaf's `grad`. */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) throw new DeeplineError(messages.noGradPath());
  if (gradient === undefined && root.size !== 1) throw new ShapeError(messages.gradOfNonScalar(root.shape));
  if (gradient !== undefined && !shapesEqual(gradient.shape, root.shape)) {
    throw new ShapeError(messages.gradShape(root.shape, gradient.shape));
  }
  noGrad(() => {
    const leafGrads = propagate(root, gradient ?? onesLike(root));
    for (const [leaf, g] of leafGrads) leaf.grad = leaf.grad === null ? g : add(leaf.grad, g);
  });
}

/** The functional core: d(root)/d(leaf) for each of `leaves`, zeros where root does not depend on it. */
export function gradients(root: Tensor, leaves: readonly Tensor[]): Tensor[] {
  return noGrad(() => {
    const leafGrads = propagate(root, onesLike(root));
    return leaves.map((leaf) => leafGrads.get(leaf) ?? zerosLike(leaf));
  });
}

/**
 * Reverse-mode sweep: visit the graph in reverse topological order, so each tensor's gradient
 * is complete (summed over all its uses) before its own rule runs. Intermediate gradients are
 * dropped as soon as they have been passed on; only the leaves' remain.
 */
function propagate(root: Tensor, seed: Tensor): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const leafGrads = new Map<Tensor, Tensor>();
  for (const t of reverseTopologicalOrder(root)) {
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    if (t.node === null) {
      leafGrads.set(t, g);
      continue;
    }
    const inputGrads = t.node.backward(g, t);
    t.node.inputs.forEach((input, i) => {
      const gi = inputGrads[i];
      if (gi === null || gi === undefined || !input.requiresGrad) return;
      const previous = grads.get(input);
      grads.set(input, previous === undefined ? gi : add(previous, gi));
    });
  }
  return leafGrads;
}

/** Iterative depth-first search, so that long graphs (thousands of ops) cannot overflow the stack. */
function reverseTopologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order.reverse();
}
