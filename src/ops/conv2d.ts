import { result } from '../autograd/record.js';
import {
  backend,
  type Conv2DInfo,
  type ConvGrads,
  type DType,
  type GradRequest,
  type TypedArray,
} from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { epilogueOf, type FusedOptions } from './epilogue.js';
import { asPair, expectDtype } from './operand.js';
import { type Padding, type Pair, pair, windowGeometry } from './window.js';

export interface Conv2DOptions extends FusedOptions {
  strides?: Pair;
  padding?: Padding;
  dilations?: Pair;
}

/**
 * 2-D convolution (cross-correlation, as in every framework) of an NHWC input
 * [batch, height, width, inChannels] with a filter [kernelH, kernelW, inChannels, outChannels],
 * optionally with a bias and activation applied in the same kernel.
 */
export function conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions = {}): Tensor {
  [x, filter] = asPair('conv2d', x, filter);
  expectDtype('conv2d', x, 'float');
  const info = conv2dInfo(x.shape, filter.shape, options);
  const outShape = [info.batch, info.outH, info.outW, info.outC];
  const values = backend().conv2d(x.values, filter.values, info, epilogueOf('conv2d', x, info.outC, options));
  const { bias, activation = 'linear' } = options;
  const inputs = bias ? [x, filter, bias] : [x, filter];
  return result('conv2d', values, outShape, x.dtype, inputs, (dy, y) => {
    const want = wanted(x, filter, bias);
    const grads = backend().conv2dBackward(
      x.values,
      filter.values,
      dy.values,
      y.values,
      info,
      activation,
      want,
    );
    return convGradTensors(grads, x, filter, dy.dtype);
  });
}

/** Gradients are computed only for inputs that need one: a first layer's input never does. */
export function wanted(x: Tensor, filter: Tensor, bias: Tensor | undefined): GradRequest {
  return { input: x.requiresGrad, filter: filter.requiresGrad, bias: bias?.requiresGrad ?? false };
}

export function convGradTensors(
  grads: ConvGrads,
  x: Tensor,
  filter: Tensor,
  dtype: DType,
): (Tensor | null)[] {
  const wrap = (values: TypedArray | null, shape: readonly number[]) =>
    values && result('conv2dBackward', values, shape, dtype, []);
  return [wrap(grads.dx, x.shape), wrap(grads.dFilter, filter.shape), wrap(grads.dBias, [filter.shape[3]])];
}

export function conv2dInfo(
  xShape: readonly number[],
  fShape: readonly number[],
  options: Conv2DOptions,
): Conv2DInfo {
  if (xShape.length !== 4) throw new ShapeError(messages.rankExactly('conv2d', 'input (NHWC)', 4, xShape));
  if (fShape.length !== 4) throw new ShapeError(messages.rankExactly('conv2d', 'filter (HWIO)', 4, fShape));
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, fInC, outC] = fShape;
  if (fInC !== inC) {
    throw new ShapeError(messages.channels('conv2d', xShape, fShape));
  }
  const [strideH, strideW] = pair('conv2d', 'strides', options.strides ?? 1);
  const [dilationH, dilationW] = pair('conv2d', 'dilations', options.dilations ?? 1);
  const padding = options.padding ?? 'valid';
  const rows = windowGeometry('conv2d', padding, inH, kH, strideH, dilationH);
  const cols = windowGeometry('conv2d', padding, inW, kW, strideW, dilationW);
  return {
    batch,
    inH,
    inW,
    inC,
    outH: rows.out,
    outW: cols.out,
    outC,
    kH,
    kW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: rows.padBefore,
    padLeft: cols.padBefore,
  };
}
