import type { AdamHyper, Epilogue, FusedActivation } from '../backend.js';
import { allocate, dtypeOf, type TypedArray } from '../storage.js';

/** Applies y = activation(z + bias) in place, over rows of `channels` values. */
export function applyEpilogue(z: TypedArray, channels: number, epilogue: Epilogue | undefined): TypedArray {
  if (!epilogue) return z;
  const { bias, activation } = epilogue;
  if (bias) {
    for (let o = 0; o < z.length; o += channels) {
      for (let c = 0; c < channels; c++) z[o + c] += bias[c];
    }
  }
  switch (activation) {
    case 'linear':
      break;
    case 'relu':
      for (let i = 0; i < z.length; i++) if (z[i] < 0) z[i] = 0;
      break;
    case 'sigmoid':
      for (let i = 0; i < z.length; i++) {
        const v = z[i];
        const e = Math.exp(-Math.abs(v));
        z[i] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
      }
      break;
    case 'tanh':
      for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i]);
      break;
  }
  return z;
}

export function epilogueGrad(
  dy: TypedArray,
  y: TypedArray,
  activation: FusedActivation,
  channels: number,
  withBias: boolean,
): { dz: TypedArray; dBias: TypedArray | null } {
  const dz = allocate(dtypeOf(dy), dy.length);
  switch (activation) {
    case 'linear':
      dz.set(dy);
      break;
    case 'relu':
      for (let i = 0; i < dy.length; i++) dz[i] = y[i] > 0 ? dy[i] : 0;
      break;
    case 'sigmoid':
      for (let i = 0; i < dy.length; i++) dz[i] = dy[i] * y[i] * (1 - y[i]);
      break;
    case 'tanh':
      for (let i = 0; i < dy.length; i++) dz[i] = dy[i] * (1 - y[i] * y[i]);
      break;
  }
  if (!withBias) return { dz, dBias: null };
  const sums = new Float64Array(channels);
  for (let o = 0; o < dz.length; o += channels) {
    for (let c = 0; c < channels; c++) sums[c] += dz[o + c];
  }
  const dBias = allocate(dtypeOf(dy), channels);
  dBias.set(sums);
  return { dz, dBias };
}

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
