import type { DType, TypedArray } from './storage.js';

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sigmoid'
  | 'softplus'
  | 'tanh'
  | 'erf'
  | 'sin'
  | 'cos'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'logicalNot';

export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
export type ComparisonOp =
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual'
  | 'logicalAnd'
  | 'logicalOr';
export type BinaryOp = ArithmeticOp | ComparisonOp;

export type ReduceOp = 'sum' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';

/**
 * Activations that can be fused into a matMul or conv2d and differentiated from their output
 * alone. Their order is the code the wasm kernels receive.
 */
export const FUSED_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/** Work done on a product's output before it is returned: y = activation(z + bias). */
export interface Epilogue {
  /** One value per output channel (the last dimension). */
  bias?: TypedArray;
  activation: FusedActivation;
}

/** Geometry of a 2-D convolution in NHWC, with the filter laid out [kH, kW, inC, outC]. */
export interface Conv2DInfo {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/** Geometry of a 2-D pooling window in NHWC (channels pooled independently). */
export interface Pool2DInfo {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * Batched matrix product: `batch` products of (m × k) by (k × n). A batch stride of 0 reuses
 * the same matrix for every batch entry (broadcasting); transposes read the stored operand as
 * its transpose without copying it.
 */
export interface MatMulInfo {
  batch: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  aBatchStride: number;
  bBatchStride: number;
}

/** Which gradients a backward kernel should compute: the others are returned as null. */
export interface GradRequest {
  input: boolean;
  filter: boolean;
  bias: boolean;
}

export interface ConvGrads {
  dx: TypedArray | null;
  dFilter: TypedArray | null;
  dBias: TypedArray | null;
}

/** Adam's step: the learning rate is already corrected for the moments' bias at this step. */
export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** SGD's step, with Keras's momentum and Nesterov options. */
export interface SgdHyper {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

/**
 * What an op asks of the machine. Every method takes contiguous row-major arrays that it must
 * not modify, and returns a freshly allocated array (which the caller then owns). Shapes are
 * validated by the ops before a kernel is called; kernels do not check them again.
 */
export interface Backend {
  readonly name: string;

  unary(op: UnaryOp, x: TypedArray): TypedArray;
  /** Shapes have the same rank as `outShape`; a dimension of 1 broadcasts. */
  binary(
    op: BinaryOp,
    a: TypedArray,
    aShape: readonly number[],
    b: TypedArray,
    bShape: readonly number[],
    outShape: readonly number[],
  ): TypedArray;
  where(
    cond: Uint8Array,
    condShape: readonly number[],
    a: TypedArray,
    aShape: readonly number[],
    b: TypedArray,
    bShape: readonly number[],
    outShape: readonly number[],
  ): TypedArray;
  cast(x: TypedArray, dtype: DType): TypedArray;

  /** Reduces the listed axes (sorted, distinct); the result has the kept dimensions' size. */
  reduce(op: ReduceOp, x: TypedArray, shape: readonly number[], axes: readonly number[]): TypedArray;
  argReduce(op: ArgReduceOp, x: TypedArray, shape: readonly number[], axis: number): Int32Array;

  matMul(a: TypedArray, b: TypedArray, info: MatMulInfo, epilogue?: Epilogue): TypedArray;
  /**
   * The gradient through an epilogue, from its output y: dz = dy · activation'(y), and the bias
   * gradient (dz summed over all but the last dimension, of size `channels`) when asked for.
   */
  epilogueGrad(
    dy: TypedArray,
    y: TypedArray,
    activation: FusedActivation,
    channels: number,
    withBias: boolean,
  ): { dz: TypedArray; dBias: TypedArray | null };
  /** SGD's update of one parameter (with momentum when `velocity` is given), in one pass. */
  sgd(
    param: TypedArray,
    grad: TypedArray,
    velocity: TypedArray | null,
    hyper: SgdHyper,
  ): { param: TypedArray; velocity: TypedArray | null };
  /**
   * Softmax cross-entropy of `rows` rows of `classes` logits against label distributions:
   * the per-row losses, and the softmax probabilities the gradient is made from.
   */
  softmaxCrossEntropy(
    logits: TypedArray,
    labels: TypedArray,
    rows: number,
    classes: number,
  ): { loss: TypedArray; probs: TypedArray };
  /** Adam's update of one parameter, in one pass; returns the new parameter and moments. */
  adam(
    param: TypedArray,
    grad: TypedArray,
    m: TypedArray,
    v: TypedArray,
    hyper: AdamHyper,
  ): { param: TypedArray; m: TypedArray; v: TypedArray };

  transpose(x: TypedArray, shape: readonly number[], perm: readonly number[]): TypedArray;
  broadcastTo(x: TypedArray, shape: readonly number[], outShape: readonly number[]): TypedArray;
  slice(
    x: TypedArray,
    shape: readonly number[],
    begin: readonly number[],
    size: readonly number[],
  ): TypedArray;
  pad(
    x: TypedArray,
    shape: readonly number[],
    paddings: readonly (readonly [number, number])[],
    value: number,
  ): TypedArray;
  concat(xs: readonly TypedArray[], shapes: readonly (readonly number[])[], axis: number): TypedArray;
  /** Output shape: shape[:axis] + [indices.length] + shape[axis+1:]; indices are in range. */
  gather(x: TypedArray, shape: readonly number[], indices: Int32Array, axis: number): TypedArray;
  /** The gradient of gather: adds each slice of `updates` into a zero tensor of `outShape`. */
  scatterAdd(updates: TypedArray, indices: Int32Array, outShape: readonly number[], axis: number): TypedArray;
  oneHot(indices: Int32Array, depth: number, onValue: number, offValue: number): Float32Array;

  conv2d(x: TypedArray, filter: TypedArray, info: Conv2DInfo, epilogue?: Epilogue): TypedArray;
  /**
   * Gradients of y = activation(conv2d(x, filter) + bias) from dy, for the inputs in `want`;
   * y is the forward output (read only when the activation is not linear).
   */
  conv2dBackward(
    x: TypedArray,
    filter: TypedArray,
    dy: TypedArray,
    y: TypedArray,
    info: Conv2DInfo,
    activation: FusedActivation,
    want: GradRequest,
  ): ConvGrads;
  /**
   * y = activation(maxPool(conv2d(x, filter)) + bias) in one call: the convolution's output
   * never leaves the kernel. Exact for these activations, which are all non-decreasing, and a
   * bias that is constant per channel. Returns the pooled output and, for each, the index into
   * the convolution's output it came from.
   */
  conv2dMaxPool(
    x: TypedArray,
    filter: TypedArray,
    conv: Conv2DInfo,
    pool: Pool2DInfo,
    epilogue?: Epilogue,
  ): { y: TypedArray; argmax: Int32Array };
  conv2dMaxPoolBackward(
    x: TypedArray,
    filter: TypedArray,
    dy: TypedArray,
    y: TypedArray,
    argmax: Int32Array,
    conv: Conv2DInfo,
    pool: Pool2DInfo,
    activation: FusedActivation,
    want: GradRequest,
  ): ConvGrads;

  /** Returns the pooled values and, for each, the flat input index it came from. */
  maxPool2d(x: TypedArray, info: Pool2DInfo): { y: TypedArray; argmax: Int32Array };
  maxPool2dBackward(dy: TypedArray, argmax: Int32Array, info: Pool2DInfo): TypedArray;
  /** Averages over the window's positions inside the input (padding is not counted). */
  avgPool2d(x: TypedArray, info: Pool2DInfo): TypedArray;
  avgPool2dBackward(dy: TypedArray, info: Pool2DInfo): TypedArray;
}
