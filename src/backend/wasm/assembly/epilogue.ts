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
      v128.store(at, v);
    }
    for (; j < n; j++) {
      const at = row + (<usize>j << 2);
      let v = load<f32>(at);
      if (bias) v += load<f32>(bias + (<usize>j << 2));
      if (activation == 1 && v < 0) v = 0;
      store<f32>(at, v);
    }
    if (activation >= 2) {
      for (let i = 0; i < n; i++) {
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
}
