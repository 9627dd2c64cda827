import type { Epilogue, FusedActivation } from '../backend.js';
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
