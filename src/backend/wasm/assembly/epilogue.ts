import { sigmoid4 } from './math';

// y = activation(z + bias) over rows of n values, in place. Activation codes follow the order of
// FusedActivation: 0 linear, 1 relu, 2 sigmoid, 3 tanh. A bias pointer of 0 means no bias.

export function epilogueThread(z: usize, bias: usize, rows: i32, n: i32, activation: i32, t: i32, threads: i32): void {
  const band = (rows + threads - 1) / threads;
  const first = t * band;
  const last = min(rows, first + band);
  const zero = f32x4.splat(0);
  for (let r = first; r < last; r++) {
    const row = z + ((<usize>r * <usize>n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const at = row + (<usize>j << 2);
      let v = v128.load(at);
      if (bias) v = f32x4.add(v, v128.load(bias + (<usize>j << 2)));
      if (activation == 1) v = f32x4.max(v, zero);
      else if (activation == 2) v = sigmoid4(v);
      v128.store(at, v);
    }
    const tail = j;
    for (; j < n; j++) {
      const at = row + (<usize>j << 2);
      let v = load<f32>(at);
      if (bias) v += load<f32>(bias + (<usize>j << 2));
      if (activation == 1 && v < 0) v = 0;
      store<f32>(at, v);
    }
    // The scalar tail for sigmoid, and tanh everywhere: tanh through sigmoid would lose the
    // relative precision of small values to cancellation.
    for (let i = activation == 3 ? 0 : tail; i < n && activation >= 2; i++) {
      const at = row + (<usize>i << 2);
      const v = load<f32>(at);
      if (activation == 2) {
        const e = Mathf.exp(-Mathf.abs(v));
        store<f32>(at, v >= 0 ? 1 / (1 + e) : e / (1 + e));
      } else {
        store<f32>(at, Mathf.tanh(v));
      }
    }
  }
}

/**
 * The gradient through y = activation(z + bias): dz = dy · activation'(y), written to dz (which
 * may be dy itself), and this thread's column sums of dz (the bias gradient's share) written to
 * partials + t·n when partials is not 0.
 */
export function epilogueGradThread(
  dy: usize,
  y: usize,
  dz: usize,
  rows: i32,
  n: i32,
  activation: i32,
  partials: usize,
  t: i32,
  threads: i32,
): void {
  const band = (rows + threads - 1) / threads;
  const first = t * band;
  const last = min(rows, first + band);
  const sums = partials + ((<usize>t * <usize>n) << 2);
  if (partials) memory.fill(sums, 0, <usize>n << 2);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  for (let r = first; r < last; r++) {
    const offset = (<usize>r * <usize>n) << 2;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = offset + (<usize>j << 2);
      let g = v128.load(dy + o);
      if (activation != 0) {
        const v = v128.load(y + o);
        if (activation == 1) g = v128.and(g, f32x4.gt(v, zero));
        else if (activation == 2) g = f32x4.mul(g, f32x4.mul(v, f32x4.sub(one, v)));
        else g = f32x4.mul(g, f32x4.sub(one, f32x4.mul(v, v)));
      }
      v128.store(dz + o, g);
      if (partials) {
        const s = sums + (<usize>j << 2);
        v128.store(s, f32x4.add(v128.load(s), g));
      }
    }
    for (; j < n; j++) {
      const o = offset + (<usize>j << 2);
      let g = load<f32>(dy + o);
      const v = load<f32>(y + o);
      if (activation == 1) g = v > 0 ? g : 0;
      else if (activation == 2) g = g * v * (1 - v);
      else if (activation == 3) g = g * (1 - v * v);
      store<f32>(dz + o, g);
      if (partials) {
        const s = sums + (<usize>j << 2);
        store<f32>(s, load<f32>(s) + g);
      }
    }
  }
}

/** Zeroes `count` floats at `dst`, an equal share per thread. */
export function zeroThread(dst: usize, count: i32, t: i32, threads: i32): void {
  const band = (((count + threads - 1) / threads + 3) / 4) * 4;
  const first = min(count, t * band);
  const last = min(count, first + band);
  memory.fill(dst + (<usize>first << 2), 0, <usize>(last - first) << 2);
}
