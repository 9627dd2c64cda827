// Convolution, max-pooling, bias and activation in one pass for small filters (a first layer):
// each pooled output computes the convolution at its window's positions in registers, 16
// channels at a time, and keeps the largest. Neither an im2col matrix nor the full-size
// convolution output is ever written.

import { at, ConvGeometry, PoolGeometry } from './geometry';
import { sigmoid4 } from './math';
import { takes } from './pool';

// @ts-ignore: decorator (AssemblyScript)
@inline
function activate(v: v128, activation: i32): v128 {
  if (activation == 1) return f32x4.max(v, f32x4.splat(0));
  if (activation == 2) return sigmoid4(v);
  if (activation < 3) return v;
  // tanh lane by lane, for its precision near zero (see epilogue.ts).
  let out = f32x4.replace_lane(v, 0, Mathf.tanh(f32x4.extract_lane(v, 0)));
  out = f32x4.replace_lane(out, 1, Mathf.tanh(f32x4.extract_lane(v, 1)));
  out = f32x4.replace_lane(out, 2, Mathf.tanh(f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(out, 3, Mathf.tanh(f32x4.extract_lane(v, 3)));
}

/** outC must be a multiple of 16. bias is 0 when there is none; activation codes as in epilogue.ts. */
export function convMaxPoolThread(
  x: usize,
  filter: usize,
  bias: usize,
  activation: i32,
  y: usize,
  argmax: usize,
  convGeometry: usize,
  poolGeometry: usize,
  t: i32,
  threads: i32,
): void {
  const c = changetype<ConvGeometry>(convGeometry);
  const pool = changetype<PoolGeometry>(poolGeometry);
  const inH = c.inH;
  const inW = c.inW;
  const inC = c.inC;
  const outH = c.outH;
  const outW = c.outW;
  const outC = c.outC;
  const kH = c.kH;
  const kW = c.kW;
  const strideH = c.strideH;
  const strideW = c.strideW;
  const dilationH = c.dilationH;
  const dilationW = c.dilationW;
  const padTop = c.padTop;
  const padLeft = c.padLeft;
  const poolH = pool.outH;
  const poolW = pool.outW;
  const windowH = pool.kH;
  const windowW = pool.kW;
  const poolStrideH = pool.strideH;
  const poolStrideW = pool.strideW;
  const poolPadTop = pool.padTop;
  const poolPadLeft = pool.padLeft;
  const rows = c.batch * poolH;
  const band = (rows + threads - 1) / threads;
  const last = min(rows, (t + 1) * band);
  const lanes = i32x4(0, 1, 2, 3);
  const none = i32x4.splat(-1);
  for (let row = t * band; row < last; row++) {
    const b = row / poolH;
    const ph = row % poolH;
    for (let pw = 0; pw < poolW; pw++) {
      for (let cb = 0; cb < outC; cb += 16) {
        let best0 = f32x4.splat(-Infinity);
        let best1 = best0;
        let best2 = best0;
        let best3 = best0;
        let index0 = none;
        let index1 = none;
        let index2 = none;
        let index3 = none;
        for (let wy = 0; wy < windowH; wy++) {
          const oh = ph * poolStrideH - poolPadTop + wy;
          if (oh < 0 || oh >= outH) continue;
          for (let wx = 0; wx < windowW; wx++) {
            const ow = pw * poolStrideW - poolPadLeft + wx;
            if (ow < 0 || ow >= outW) continue;
            let acc0 = f32x4.splat(0);
            let acc1 = acc0;
            let acc2 = acc0;
            let acc3 = acc0;
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * strideH - padTop + kh * dilationH;
              if (ih < 0 || ih >= inH) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = ow * strideW - padLeft + kw * dilationW;
                if (iw < 0 || iw >= inW) continue;
                const xp = x + at(((b * inH + ih) * inW + iw) * inC);
                let fp = filter + at((kh * kW + kw) * inC * outC + cb);
                for (let ci = 0; ci < inC; ci++) {
                  const xv = v128.load32_splat(xp + at(ci));
                  acc0 = f32x4.add(acc0, f32x4.mul(xv, v128.load(fp)));
                  acc1 = f32x4.add(acc1, f32x4.mul(xv, v128.load(fp, 16)));
                  acc2 = f32x4.add(acc2, f32x4.mul(xv, v128.load(fp, 32)));
                  acc3 = f32x4.add(acc3, f32x4.mul(xv, v128.load(fp, 48)));
                  fp += at(outC);
                }
              }
            }
            const base = i32x4.add(i32x4.splat(((b * outH + oh) * outW + ow) * outC + cb), lanes);
            let take = takes(acc0, best0, index0);
            best0 = v128.bitselect(acc0, best0, take);
            index0 = v128.bitselect(base, index0, take);
            take = takes(acc1, best1, index1);
            best1 = v128.bitselect(acc1, best1, take);
            index1 = v128.bitselect(i32x4.add(base, i32x4.splat(4)), index1, take);
            take = takes(acc2, best2, index2);
            best2 = v128.bitselect(acc2, best2, take);
            index2 = v128.bitselect(i32x4.add(base, i32x4.splat(8)), index2, take);
            take = takes(acc3, best3, index3);
            best3 = v128.bitselect(acc3, best3, take);
            index3 = v128.bitselect(i32x4.add(base, i32x4.splat(12)), index3, take);
          }
        }
        if (bias) {
          best0 = f32x4.add(best0, v128.load(bias + at(cb)));
          best1 = f32x4.add(best1, v128.load(bias + at(cb + 4)));
          best2 = f32x4.add(best2, v128.load(bias + at(cb + 8)));
          best3 = f32x4.add(best3, v128.load(bias + at(cb + 12)));
        }
        const out = (row * poolW + pw) * outC + cb;
        v128.store(y + at(out), activate(best0, activation));
        v128.store(y + at(out + 4), activate(best1, activation));
        v128.store(y + at(out + 8), activate(best2, activation));
        v128.store(y + at(out + 12), activate(best3, activation));
        v128.store(argmax + at(out), index0);
        v128.store(argmax + at(out + 4), index1);
        v128.store(argmax + at(out + 8), index2);
        v128.store(argmax + at(out + 12), index3);
      }
    }
  }
}
