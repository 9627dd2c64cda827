import { result } from '../autograd/record.js';
import { backend, type Conv2DInfo } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { epilogueGradient, epilogueOf, type FusedOptions } from './epilogue.js';
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
  const inputs = options.bias ? [x, filter, options.bias] : [x, filter];
  // Gradients are computed only for inputs that need one: the first layer's input never does.
  return result('conv2d', values, outShape, x.dtype, inputs, (dyOut, y) => {
    const { dz: dy, dBias } = epilogueGradient(dyOut, y, options);
    return [
      x.requiresGrad
        ? result(
            'conv2dBackpropInput',
            backend().conv2dBackpropInput(dy.values, filter.values, info),
            x.shape,
            dy.dtype,
            [],
          )
        : null,
      filter.requiresGrad
        ? result(
            'conv2dBackpropFilter',
            backend().conv2dBackpropFilter(x.values, dy.values, info),
            filter.shape,
            dy.dtype,
            [],
          )
        : null,
      dBias,
    ];
  });
}

function conv2dInfo(
  xShape: readonly number[],
  fShape: readonly number[],
  options: Conv2DOptions,
): Conv2DInfo {
  if (xShape.length !== 4) throw new ShapeError(messages.rankExactly('conv2d', 'input (NHWC)', 4, xShape));
  if (fShape.length !== 4) throw new ShapeError(messages.rankExactly('conv2d', 'filter (HWIO)', 4, fShape));
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, fInC, outC] = fShape;
  if (fInC !== inC) {
    throw new ShapeError(
      `conv2d: input [${xShape.join(', ')}] has ${inC} channels but filter [${fShape.join(', ')}] expects ${fInC}`,
    );
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
