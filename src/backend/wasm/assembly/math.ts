// Vector transcendental functions for the epilogues, four lanes at a time.

/**
 * e^x for four lanes, after Cephes' expf: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r from a degree-6
 * polynomial, and 2^n put straight into the exponent bits. Relative error ≈ 2e-7; inputs are
 * clamped to the finite float32 range.
 */
export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.7));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const er = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(er, scale);
}

/** 1 / (1 + e^−x) for four lanes; e^−|x| keeps the exponential below 1, so nothing overflows. */
export function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const one = f32x4.splat(1);
  const positive = f32x4.div(one, f32x4.add(one, e));
  const negative = f32x4.div(e, f32x4.add(one, e));
  return v128.bitselect(positive, negative, f32x4.ge(x, f32x4.splat(0)));
}
