// Optimizer updates as single fused passes over a parameter, in place on wasm copies.

/**
 * Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·m / (√v + ε). The learning rate is
 * already bias-corrected for this step. Thread t of T updates an equal share.
 */
export function adamThread(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  learningRate: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  t: i32,
  threads: i32,
): void {
  const band = (((n + threads - 1) / threads + 3) / 4) * 4;
  const first = t * band;
  const last = min(n, first + band);
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(1 - beta2);
  const lr = f32x4.splat(learningRate);
  const eps = f32x4.splat(epsilon);
  let i = first;
  for (; i + 4 <= last; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(lr, mi), f32x4.add(f32x4.sqrt(vi), eps))));
  }
  for (; i < last; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - (learningRate * mi) / (Mathf.sqrt(vi) + epsilon));
  }
}

/**
 * SGD, Keras's way: v ← μv − lr·g, then p ← p + v (or p + μv − lr·g with Nesterov). With no
 * velocity (v = 0 as a pointer), p ← p − lr·g.
 */
export function sgdThread(
  p: usize,
  g: usize,
  v: usize,
  n: i32,
  learningRate: f32,
  momentum: f32,
  nesterov: i32,
  t: i32,
  threads: i32,
): void {
  const band = (((n + threads - 1) / threads + 3) / 4) * 4;
  const first = t * band;
  const last = min(n, first + band);
  const lr = f32x4.splat(learningRate);
  const mu = f32x4.splat(momentum);
  let i = first;
  for (; i + 4 <= last; i += 4) {
    const o = <usize>i << 2;
    const step = f32x4.mul(lr, v128.load(g + o));
    if (!v) {
      v128.store(p + o, f32x4.sub(v128.load(p + o), step));
      continue;
    }
    const vi = f32x4.sub(f32x4.mul(mu, v128.load(v + o)), step);
    v128.store(v + o, vi);
    v128.store(p + o, f32x4.add(v128.load(p + o), nesterov ? f32x4.sub(f32x4.mul(mu, vi), step) : vi));
  }
  for (; i < last; i++) {
    const o = <usize>i << 2;
    const step = learningRate * load<f32>(g + o);
    if (!v) {
      store<f32>(p + o, load<f32>(p + o) - step);
      continue;
    }
    const vi = momentum * load<f32>(v + o) - step;
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) + (nesterov ? momentum * vi - step : vi));
  }
}
