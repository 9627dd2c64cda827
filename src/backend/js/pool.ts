import type { Pool2DInfo } from '../backend.js';
import { allocate, dtypeOf, type TypedArray } from '../storage.js';
import { fromDouble } from './conv.js';

/**
 * Visits every output pixel with the window's taps that fall inside the input, channels
 * innermost; `count` is the number of those taps (what an average divides by).
 */
function forEachWindow(
  info: Pool2DInfo,
  visit: (yBase: number, taps: Int32Array, count: number) => void,
): void {
  const { batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW } = info;
  const taps = new Int32Array(kH * kW);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        let count = 0;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - info.padTop + kh;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - info.padLeft + kw;
            if (iw < 0 || iw >= inW) continue;
            taps[count++] = ((b * inH + ih) * inW + iw) * channels;
          }
        }
        visit(((b * outH + oh) * outW + ow) * channels, taps, count);
      }
    }
  }
}

export function maxPool2d(x: TypedArray, info: Pool2DInfo): { y: TypedArray; argmax: Int32Array } {
  const { channels } = info;
  const size = info.batch * info.outH * info.outW * channels;
  const y = allocate(dtypeOf(x), size);
  const argmax = new Int32Array(size);
  forEachWindow(info, (yBase, taps, count) => {
    for (let c = 0; c < channels; c++) {
      let best = Number.NEGATIVE_INFINITY;
      let at = taps[0] + c;
      for (let t = 0; t < count; t++) {
        const v = x[taps[t] + c];
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = taps[t] + c;
          if (Number.isNaN(v)) break;
        }
      }
      y[yBase + c] = best;
      argmax[yBase + c] = at;
    }
  });
  return { y, argmax };
}

export function maxPool2dBackward(dy: TypedArray, argmax: Int32Array, info: Pool2DInfo): TypedArray {
  const acc = new Float64Array(info.batch * info.inH * info.inW * info.channels);
  for (let i = 0; i < dy.length; i++) acc[argmax[i]] += dy[i];
  return fromDouble(acc, dy);
}

export function avgPool2d(x: TypedArray, info: Pool2DInfo): TypedArray {
  const { channels } = info;
  const acc = new Float64Array(info.batch * info.outH * info.outW * channels);
  forEachWindow(info, (yBase, taps, count) => {
    for (let t = 0; t < count; t++) {
      for (let c = 0; c < channels; c++) acc[yBase + c] += x[taps[t] + c];
    }
    for (let c = 0; c < channels; c++) acc[yBase + c] /= count;
  });
  return fromDouble(acc, x);
}

export function avgPool2dBackward(dy: TypedArray, info: Pool2DInfo): TypedArray {
  const { channels } = info;
  const acc = new Float64Array(info.batch * info.inH * info.inW * channels);
  forEachWindow(info, (yBase, taps, count) => {
    for (let t = 0; t < count; t++) {
      for (let c = 0; c < channels; c++) acc[taps[t] + c] += dy[yBase + c] / count;
    }
  });
  return fromDouble(acc, dy);
}
