// Deepline's public API. Everything not exported here is private to its folder.

// --- Automatic differentiation -------------------------------------------------------------
export { grad, valueAndGrad } from './autograd/grad.js';
export { noGrad } from './autograd/mode.js';
// --- Tensors -------------------------------------------------------------------------------
export type { DType, TypedArray } from './backend/index.js';
// --- Backends ------------------------------------------------------------------------------
export { type Backend, backendNames, getBackend, registerBackend, setBackend } from './backend/index.js';
// --- Neural-network ops ----------------------------------------------------------------------
export { elu, gelu, leakyRelu, logSoftmax, relu, relu6, selu, softmax, softplus } from './ops/activations.js';
// --- Elementwise ---------------------------------------------------------------------------
export { add, div, maximum, minimum, mul, pow, sub } from './ops/arithmetic.js';
export { broadcastTo } from './ops/broadcast.js';
export { cast } from './ops/cast.js';
export { clip } from './ops/clip.js';
export {
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  logicalAnd,
  logicalOr,
  notEqual,
} from './ops/compare.js';
export { concat, stack } from './ops/concat.js';
export { type Conv2DOptions, conv2d } from './ops/conv2d.js';
export { type Conv2DMaxPoolOptions, conv2dMaxPool } from './ops/conv2d-max-pool.js';
export { sigmoidCrossEntropy, softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from './ops/cross-entropy.js';
export { type DropoutOptions, dropout } from './ops/dropout.js';
export { gather } from './ops/gather.js';
// --- Linear algebra and shapes ---------------------------------------------------------------
export { type MatMulOptions, matMul } from './ops/matmul.js';
export { oneHot } from './ops/one-hot.js';
export type { Operand } from './ops/operand.js';
export { pad } from './ops/pad.js';
export { avgPool2d, maxPool2d, type Pool2DOptions } from './ops/pool2d.js';
// --- Reductions ----------------------------------------------------------------------------
export { type Axes, argmax, argmin, max, min, type ReduceOptions, sum } from './ops/reduce.js';
export { expandDims, flatten, reshape, squeeze } from './ops/reshape.js';
export { slice, split } from './ops/slice.js';
export { logSumExp, mean, variance } from './ops/statistics.js';
export { tile } from './ops/tile.js';
export { permute, transpose } from './ops/transpose.js';
export {
  abs,
  ceil,
  cos,
  erf,
  exp,
  expm1,
  floor,
  log,
  log1p,
  logicalNot,
  neg,
  reciprocal,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from './ops/unary.js';
export { where } from './ops/where.js';
export type { Padding, Pair } from './ops/window.js';
export {
  arange,
  full,
  ones,
  onesLike,
  scalar,
  type TensorLike,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './tensor/creation.js';
export { DeeplineError, DTypeError, ShapeError } from './tensor/errors.js';
export {
  type RandomOptions,
  randomNormal,
  randomUniform,
  setSeed,
  truncatedNormal,
} from './tensor/random.js';
export { type NestedArray, Tensor } from './tensor/tensor.js';
