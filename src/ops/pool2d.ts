import { result } from '../autograd/record.js';
import { backend, type Pool2DInfo } from '../backend/index.js';
import { messages, ShapeError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { expectDtype } from './operand.js';
import { type Padding, type Pair, pair, windowGeometry } from './window.js';

export interface Pool2DOptions {
  /** Window size; 2×2 by default, as in Keras. */
  poolSize?: Pair;
  /** Step between windows; the pool size by default. */
  strides?: Pair;
  padding?: Padding;
}

/** Largest value of each window of an NHWC input; the gradient goes to that value's position. */
export function maxPool2d(x: Tensor, options: Pool2DOptions = {}): Tensor {
  expectDtype('maxPool2d', x, 'float');
  const info = pool2dInfo('maxPool2d', x.shape, options);
  const { y, argmax } = backend().maxPool2d(x.values, info);
  return result('maxPool2d', y, outShape(info), x.dtype, [x], (dy) => [
    result('maxPool2dBackward', backend().maxPool2dBackward(dy.values, argmax, info), x.shape, dy.dtype, []),
  ]);
}

/** Mean of each window of an NHWC input, counting only positions inside the input (as TensorFlow). */
export function avgPool2d(x: Tensor, options: Pool2DOptions = {}): Tensor {
  expectDtype('avgPool2d', x, 'float');
  const info = pool2dInfo('avgPool2d', x.shape, options);
  return result('avgPool2d', backend().avgPool2d(x.values, info), outShape(info), x.dtype, [x], (dy) => [
    result('avgPool2dBackward', backend().avgPool2dBackward(dy.values, info), x.shape, dy.dtype, []),
  ]);
}

export function outShape(info: Pool2DInfo): number[] {
  return [info.batch, info.outH, info.outW, info.channels];
}

/** Pooling geometry over an NHWC input of the given shape. */
export function pool2dInfo(op: string, shape: readonly number[], options: Pool2DOptions): Pool2DInfo {
  if (shape.length !== 4) throw new ShapeError(messages.rankExactly(op, 'input (NHWC)', 4, shape));
  const [batch, inH, inW, channels] = shape;
  const [kH, kW] = pair(op, 'poolSize', options.poolSize ?? 2);
  const [strideH, strideW] = pair(op, 'strides', options.strides ?? [kH, kW]);
  const padding = options.padding ?? 'valid';
  const rows = windowGeometry(op, padding, inH, kH, strideH);
  const cols = windowGeometry(op, padding, inW, kW, strideW);
  return {
    batch,
    inH,
    inW,
    channels,
    outH: rows.out,
    outW: cols.out,
    kH,
    kW,
    strideH,
    strideW,
    padTop: rows.padBefore,
    padLeft: cols.padBefore,
  };
}
