// 2-D pooling in NHWC, four channels per SIMD lane group. Threads take bands of output rows (b, oh).
import { at, PoolGeometry } from './geometry';

/**
 * Lanes where a window's next value replaces the best so far: strictly larger (the first of
 * ties wins), a NaN over a number, or the window's first position (index still −1), so that
 * an all −Infinity window still names one.
 */
// @ts-ignore: decorator (AssemblyScript)
@inline
export function takes(v: v128, best: v128, index: v128): v128 {
  return v128.or(
    v128.or(f32x4.gt(v, best), v128.andnot(f32x4.ne(v, v), f32x4.ne(best, best))),
    i32x4.eq(index, i32x4.splat(-1)),
  );
}

/** Largest value of each window and the flat input index it came from (the first of ties). */
export function maxPoolThread(x: usize, y: usize, argmax: usize, geometry: usize, t: i32, threads: i32): void {
  const pool = changetype<PoolGeometry>(geometry);
  const inH = pool.inH;
  const inW = pool.inW;
  const c = pool.channels;
  const outH = pool.outH;
  const outW = pool.outW;
  const kH = pool.kH;
  const kW = pool.kW;
  const strideH = pool.strideH;
  const strideW = pool.strideW;
  const padTop = pool.padTop;
  const padLeft = pool.padLeft;
  const rows = pool.batch * outH;
  const band = (rows + threads - 1) / threads;
  const last = min(rows, (t + 1) * band);
  const lanes = i32x4(0, 1, 2, 3);
  for (let row = t * band; row < last; row++) {
    const b = row / outH;
    const oh = row % outH;
    for (let ow = 0; ow < outW; ow++) {
      const out = (row * outW + ow) * c;
      let ch = 0;
      for (; ch + 4 <= c; ch += 4) {
        let best = f32x4.splat(-Infinity);
        let index = i32x4.splat(-1);
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - padLeft + kw;
            if (iw < 0 || iw >= inW) continue;
            const src = ((b * inH + ih) * inW + iw) * c + ch;
            const v = v128.load(x + at(src));
            const take = takes(v, best, index);
            best = v128.bitselect(v, best, take);
            index = v128.bitselect(i32x4.add(i32x4.splat(src), lanes), index, take);
          }
        }
        v128.store(y + at(out + ch), best);
        v128.store(argmax + at(out + ch), index);
      }
      for (; ch < c; ch++) {
        let best: f32 = -Infinity;
        let index = -1;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - padLeft + kw;
            if (iw < 0 || iw >= inW) continue;
            const src = ((b * inH + ih) * inW + iw) * c + ch;
            const v = load<f32>(x + at(src));
            if (index < 0 || v > best || (v != v && best == best)) {
              best = v;
              index = src;
            }
          }
        }
        store<f32>(y + at(out + ch), best);
        store<i32>(argmax + at(out + ch), index);
      }
    }
  }
}

/** dx[argmax[i]] += dy[i] for the outputs of this thread's band (dx zeroed by the caller). */
export function maxPoolBackwardThread(dy: usize, argmax: usize, dx: usize, count: i32, t: i32, threads: i32): void {
  const band = (count + threads - 1) / threads;
  const last = min(count, (t + 1) * band);
  for (let i = t * band; i < last; i++) {
    const dst = dx + at(load<i32>(argmax + at(i)));
    store<f32>(dst, load<f32>(dst) + load<f32>(dy + at(i)));
  }
}

/**
 * Average pooling forward (backward = false: y from x) or backward (backward = true: adds
 * dy / count into dx under each window). Only positions inside the input are counted.
 */
export function avgPoolThread(src: usize, dst: usize, geometry: usize, backward: i32, t: i32, threads: i32): void {
  const pool = changetype<PoolGeometry>(geometry);
  const inH = pool.inH;
  const inW = pool.inW;
  const c = pool.channels;
  const outH = pool.outH;
  const outW = pool.outW;
  const kH = pool.kH;
  const kW = pool.kW;
  const strideH = pool.strideH;
  const strideW = pool.strideW;
  const padTop = pool.padTop;
  const padLeft = pool.padLeft;
  const rows = pool.batch * outH;
  const band = (rows + threads - 1) / threads;
  const last = min(rows, (t + 1) * band);
  for (let row = t * band; row < last; row++) {
    const b = row / outH;
    const oh = row % outH;
    const h0 = max(0, oh * strideH - padTop);
    const h1 = min(inH, oh * strideH - padTop + kH);
    for (let ow = 0; ow < outW; ow++) {
      const w0 = max(0, ow * strideW - padLeft);
      const w1 = min(inW, ow * strideW - padLeft + kW);
      const scale = f32x4.splat(<f32>1 / <f32>((h1 - h0) * (w1 - w0)));
      const out = (row * outW + ow) * c;
      for (let ch = 0; ch < c; ch += 4) {
        // The last group may run past c: handled lane by lane below.
        const full = ch + 4 <= c;
        if (!backward) {
          let sum = f32x4.splat(0);
          for (let ih = h0; ih < h1; ih++) {
            for (let iw = w0; iw < w1; iw++) {
              const p = src + at(((b * inH + ih) * inW + iw) * c + ch);
              sum = f32x4.add(sum, loadLanes(p, full ? 4 : c - ch));
            }
          }
          sum = f32x4.mul(sum, scale);
          storeLanes(dst + at(out + ch), sum, full ? 4 : c - ch);
        } else {
          const share = f32x4.mul(loadLanes(src + at(out + ch), full ? 4 : c - ch), scale);
          for (let ih = h0; ih < h1; ih++) {
            for (let iw = w0; iw < w1; iw++) {
              const p = dst + at(((b * inH + ih) * inW + iw) * c + ch);
              storeLanes(p, f32x4.add(loadLanes(p, full ? 4 : c - ch), share), full ? 4 : c - ch);
            }
          }
        }
      }
    }
  }
}

function addLane(v: v128, lane: i32, add: f32): v128 {
  if (lane == 0) return f32x4.replace_lane(v, 0, f32x4.extract_lane(v, 0) + add);
  if (lane == 1) return f32x4.replace_lane(v, 1, f32x4.extract_lane(v, 1) + add);
  if (lane == 2) return f32x4.replace_lane(v, 2, f32x4.extract_lane(v, 2) + add);
  return f32x4.replace_lane(v, 3, f32x4.extract_lane(v, 3) + add);
}

function loadLanes(p: usize, n: i32): v128 {
  if (n == 4) return v128.load(p);
  let v = f32x4.splat(0);
  for (let l = 0; l < n; l++) v = addLane(v, l, load<f32>(p + at(l)));
  return v;
}

function storeLanes(p: usize, v: v128, n: i32): void {
  if (n == 4) {
    v128.store(p, v);
    return;
  }
  if (n > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (n > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}
