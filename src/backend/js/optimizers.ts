import type { AdamHyper, SgdHyper } from '../backend.js';
import { allocate, dtypeOf, type TypedArray } from '../storage.js';

// Optimizer updates as single fused passes over one parameter, returning new arrays.

/** Adam in one pass: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·m / (√v + ε). */
export function adam(
  param: TypedArray,
  grad: TypedArray,
  m: TypedArray,
  v: TypedArray,
  { learningRate, beta1, beta2, epsilon }: AdamHyper,
): { param: TypedArray; m: TypedArray; v: TypedArray } {
  const n = param.length;
  const p2 = allocate(dtypeOf(param), n);
  const m2 = allocate(dtypeOf(m), n);
  const v2 = allocate(dtypeOf(v), n);
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = param[i] - (learningRate * mi) / (Math.sqrt(vi) + epsilon);
  }
  return { param: p2, m: m2, v: v2 };
}

/**
 * SGD as Keras writes it: v ← μv − lr·g, then p ← p + v, or p ← p + μv − lr·g with Nesterov;
 * without momentum, p ← p − lr·g.
 */
export function sgd(
  param: TypedArray,
  grad: TypedArray,
  velocity: TypedArray | null,
  { learningRate, momentum, nesterov }: SgdHyper,
): { param: TypedArray; velocity: TypedArray | null } {
  const n = param.length;
  const p2 = allocate(dtypeOf(param), n);
  if (velocity === null) {
    for (let i = 0; i < n; i++) p2[i] = param[i] - learningRate * grad[i];
    return { param: p2, velocity: null };
  }
  const v2 = allocate(dtypeOf(velocity), n);
  for (let i = 0; i < n; i++) {
    const v = momentum * velocity[i] - learningRate * grad[i];
    v2[i] = v;
    p2[i] = param[i] + (nesterov ? momentum * v - learningRate * grad[i] : v);
  }
  return { param: p2, velocity: v2 };
}
