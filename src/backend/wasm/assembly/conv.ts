// Convolution as im2col + GEMM.
import { ConvGeometry } from './geometry';

/**
 * Writes rows [row0, row0 + rows) of the im2col matrix of NHWC input x: one row per output pixel
 * (b, oh, ow), holding the kH·kW·inC input values under the filter, zeros where it hangs over
 * the padding. Thread t of T fills an equal share of the rows.
 */
export function im2colThread(x: usize, cols: usize, geometry: usize, row0: i32, rows: i32, t: i32, threads: i32): void {
  const c = changetype<ConvGeometry>(geometry);
  const inH = c.inH;
  const inW = c.inW;
  const inC = c.inC;
  const outH = c.outH;
  const outW = c.outW;
  const kH = c.kH;
  const kW = c.kW;
  const strideH = c.strideH;
  const strideW = c.strideW;
  const dilationH = c.dilationH;
  const dilationW = c.dilationW;
  const padTop = c.padTop;
  const padLeft = c.padLeft;
  const width = kH * kW * inC;
  const band = (rows + threads - 1) / threads;
  const first = row0 + t * band;
  const last = min(row0 + rows, first + band);
  const channelBytes = <usize>inC << 2;
  // Pixel coordinates advance with the row instead of being divided out of it each time.
  let b = first / (outH * outW);
  let oh = (first / outW) % outH;
  let ow = first % outW;
  for (let r = first; r < last; r++) {
    let dst = cols + ((<usize>(r - row0) * <usize>width) << 2);
    for (let kh = 0; kh < kH; kh++) {
      const ih = oh * strideH - padTop + kh * dilationH;
      const rowInside = ih >= 0 && ih < inH;
      const rowBase = x + ((<usize>(b * inH + ih) * <usize>inW * <usize>inC) << 2);
      for (let kw = 0; kw < kW; kw++) {
        const iw = ow * strideW - padLeft + kw * dilationW;
        const outside = !rowInside || iw < 0 || iw >= inW;
        const src = rowBase + ((<usize>iw * <usize>inC) << 2);
        if (inC < 16) {
          // Few channels (a first layer): bulk-memory calls would cost more than the copy.
          for (let c = 0; c < inC; c++) store<f32>(dst + (<usize>c << 2), outside ? 0 : load<f32>(src + (<usize>c << 2)));
        } else if (outside) {
          memory.fill(dst, 0, channelBytes);
        } else {
          memory.copy(dst, src, channelBytes);
        }
        dst += channelBytes;
      }
    }
    if (++ow == outW) {
      ow = 0;
      if (++oh == outH) {
        oh = 0;
        b++;
      }
    }
  }
}

/**
 * The adjoint of im2col: adds each row of `cols` (images [image0, image0 + images)) back into
 * the input positions it was read from. Threads take whole images, so no two write one pixel.
 * dx must be zeroed by the caller.
 */
export function col2imThread(cols: usize, dx: usize, geometry: usize, image0: i32, images: i32, t: i32, threads: i32): void {
  const c = changetype<ConvGeometry>(geometry);
  const inH = c.inH;
  const inW = c.inW;
  const inC = c.inC;
  const outH = c.outH;
  const outW = c.outW;
  const kH = c.kH;
  const kW = c.kW;
  const strideH = c.strideH;
  const strideW = c.strideW;
  const dilationH = c.dilationH;
  const dilationW = c.dilationW;
  const padTop = c.padTop;
  const padLeft = c.padLeft;
  const width = kH * kW * inC;
  const band = (images + threads - 1) / threads;
  const first = image0 + t * band;
  const last = min(image0 + images, first + band);
  for (let b = first; b < last; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const r = ((b - image0) * outH + oh) * outW + ow;
        let src = cols + ((<usize>r * <usize>width) << 2);
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - padLeft + kw * dilationW;
            if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
              const dst = dx + ((((<usize>b * <usize>inH + <usize>ih) * <usize>inW + <usize>iw) * <usize>inC) << 2);
              addInto(dst, src, inC);
            }
            src += <usize>inC << 2;
          }
        }
      }
    }
  }
}

function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}
