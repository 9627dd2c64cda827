// The machine's ceiling for 128-bit SIMD, measured rather than guessed: twelve independent
// multiply-add chains on registers (enough to cover the latency of two multiply and two add
// pipes), no memory traffic. Used by bench/kernels.ts only.

/** Runs `iterations` steps of 12 f32x4 multiply-adds (96 flops each); returns a sum to keep them alive. */
export function simdPeak(iterations: i32): f32 {
  const m = f32x4.splat(0.999);
  let a0 = f32x4.splat(1);
  let a1 = f32x4.splat(2);
  let a2 = f32x4.splat(3);
  let a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5);
  let a5 = f32x4.splat(6);
  let a6 = f32x4.splat(7);
  let a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9);
  let a9 = f32x4.splat(10);
  let a10 = f32x4.splat(11);
  let a11 = f32x4.splat(12);
  const b = f32x4.splat(0.001);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), b);
    a1 = f32x4.add(f32x4.mul(a1, m), b);
    a2 = f32x4.add(f32x4.mul(a2, m), b);
    a3 = f32x4.add(f32x4.mul(a3, m), b);
    a4 = f32x4.add(f32x4.mul(a4, m), b);
    a5 = f32x4.add(f32x4.mul(a5, m), b);
    a6 = f32x4.add(f32x4.mul(a6, m), b);
    a7 = f32x4.add(f32x4.mul(a7, m), b);
    a8 = f32x4.add(f32x4.mul(a8, m), b);
    a9 = f32x4.add(f32x4.mul(a9, m), b);
    a10 = f32x4.add(f32x4.mul(a10, m), b);
    a11 = f32x4.add(f32x4.mul(a11, m), b);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
