import type {
  Conv2DInfo,
  ConvGrads,
  Epilogue,
  FusedActivation,
  GradRequest,
  Pool2DInfo,
} from '../backend.js';
import { allocate, dtypeOf, type TypedArray } from '../storage.js';
import { applyEpilogue, epilogueGrad } from './epilogue.js';
import { maxPool2d, maxPool2dBackward } from './pool.js';

/**
 * Direct NHWC convolution loops, written for clarity: the reference the fast kernels are
 * checked against. All three share one walk over (batch, output pixel, filter tap) that visits
 * only taps landing inside the input; padding contributes nothing.
 */
function forEachTap(info: Conv2DInfo, visit: (xBase: number, fBase: number, yBase: number) => void): void {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW } = info;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const yBase = ((b * outH + oh) * outW + ow) * outC;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - info.padTop + kh * dilationH;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - info.padLeft + kw * dilationW;
            if (iw < 0 || iw >= inW) continue;
            visit(((b * inH + ih) * inW + iw) * inC, (kh * kW + kw) * inC * outC, yBase);
          }
        }
      }
    }
  }
}

export function conv2d(x: TypedArray, filter: TypedArray, info: Conv2DInfo): TypedArray {
  const { inC, outC } = info;
  const acc = new Float64Array(info.batch * info.outH * info.outW * outC);
  forEachTap(info, (xBase, fBase, yBase) => {
    for (let ci = 0; ci < inC; ci++) {
      const xv = x[xBase + ci];
      const fRow = fBase + ci * outC;
      for (let co = 0; co < outC; co++) acc[yBase + co] += xv * filter[fRow + co];
    }
  });
  return fromDouble(acc, x);
}

function conv2dBackpropInput(dy: TypedArray, filter: TypedArray, info: Conv2DInfo): TypedArray {
  const { inC, outC } = info;
  const acc = new Float64Array(info.batch * info.inH * info.inW * inC);
  forEachTap(info, (xBase, fBase, yBase) => {
    for (let ci = 0; ci < inC; ci++) {
      const fRow = fBase + ci * outC;
      let sum = 0;
      for (let co = 0; co < outC; co++) sum += dy[yBase + co] * filter[fRow + co];
      acc[xBase + ci] += sum;
    }
  });
  return fromDouble(acc, dy);
}

function conv2dBackpropFilter(x: TypedArray, dy: TypedArray, info: Conv2DInfo): TypedArray {
  const { inC, outC } = info;
  const acc = new Float64Array(info.kH * info.kW * inC * outC);
  forEachTap(info, (xBase, fBase, yBase) => {
    for (let ci = 0; ci < inC; ci++) {
      const xv = x[xBase + ci];
      const fRow = fBase + ci * outC;
      for (let co = 0; co < outC; co++) acc[fRow + co] += xv * dy[yBase + co];
    }
  });
  return fromDouble(acc, x);
}

/** Rounds a double-precision accumulator to the dtype of `like`. */
export function fromDouble(acc: Float64Array, like: TypedArray): TypedArray {
  const out = allocate(dtypeOf(like), acc.length);
  out.set(acc);
  return out;
}

export function conv2dBackward(
  x: TypedArray,
  filter: TypedArray,
  dy: TypedArray,
  y: TypedArray,
  info: Conv2DInfo,
  activation: FusedActivation,
  want: GradRequest,
): ConvGrads {
  const { dz, dBias } = epilogueGrad(dy, y, activation, info.outC, want.bias);
  return {
    dx: want.input ? conv2dBackpropInput(dz, filter, info) : null,
    dFilter: want.filter ? conv2dBackpropFilter(x, dz, info) : null,
    dBias,
  };
}

export function conv2dMaxPool(
  x: TypedArray,
  filter: TypedArray,
  conv: Conv2DInfo,
  pool: Pool2DInfo,
  epilogue?: Epilogue,
): { y: TypedArray; argmax: Int32Array } {
  const { y, argmax } = maxPool2d(conv2d(x, filter, conv), pool);
  return { y: applyEpilogue(y, pool.channels, epilogue), argmax };
}

export function conv2dMaxPoolBackward(
  x: TypedArray,
  filter: TypedArray,
  dy: TypedArray,
  y: TypedArray,
  argmax: Int32Array,
  conv: Conv2DInfo,
  pool: Pool2DInfo,
  activation: FusedActivation,
  want: GradRequest,
): ConvGrads {
  const { dz, dBias } = epilogueGrad(dy, y, activation, pool.channels, want.bias);
  const dConv = maxPool2dBackward(dz, argmax, pool);
  return {
    dx: want.input ? conv2dBackpropInput(dConv, filter, conv) : null,
    dFilter: want.filter ? conv2dBackpropFilter(x, dConv, conv) : null,
    dBias,
  };
}
