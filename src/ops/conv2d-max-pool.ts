import { result } from '../autograd/record.js';
import { backend } from '../backend/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Conv2DOptions, conv2dInfo, convGradTensors, wanted } from './conv2d.js';
import { epilogueOf } from './epilogue.js';
import { asPair, expectDtype } from './operand.js';
import { outShape, type Pool2DOptions, pool2dInfo } from './pool2d.js';

export interface Conv2DMaxPoolOptions extends Conv2DOptions {
  /** The pooling that follows the convolution (Keras MaxPooling2D's options). */
  pool?: Pool2DOptions;
}

/**
 * maxPool2d(conv2d(x, filter, {bias, activation}), pool) as one fused primitive: the
 * convolution's full-size output is never materialised, in the forward pass or the backward.
 * Exact, since the fused activations are non-decreasing and the bias is constant per channel,
 * so pooling before the bias and activation picks the same values. Models fuse a Conv2D followed
 * by MaxPooling2D into this.
 */
export function conv2dMaxPool(x: Tensor, filter: Tensor, options: Conv2DMaxPoolOptions = {}): Tensor {
  [x, filter] = asPair('conv2dMaxPool', x, filter);
  expectDtype('conv2dMaxPool', x, 'float');
  const conv = conv2dInfo(x.shape, filter.shape, options);
  const pool = pool2dInfo('conv2dMaxPool', [conv.batch, conv.outH, conv.outW, conv.outC], options.pool ?? {});
  const epilogue = epilogueOf('conv2dMaxPool', x, conv.outC, options);
  const { y, argmax } = backend().conv2dMaxPool(x.values, filter.values, conv, pool, epilogue);
  const { bias, activation = 'linear' } = options;
  const inputs = bias ? [x, filter, bias] : [x, filter];
  return result('conv2dMaxPool', y, outShape(pool), x.dtype, inputs, (dy, out) => {
    const grads = backend().conv2dMaxPoolBackward(
      x.values,
      filter.values,
      dy.values,
      out.values,
      argmax,
      conv,
      pool,
      activation,
      wanted(x, filter, bias),
    );
    return convGradTensors(grads, x, filter, dy.dtype);
  });
}
