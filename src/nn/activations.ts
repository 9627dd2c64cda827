import type { FusedActivation } from '../backend/index.js';
import * as ops from '../ops/activations.js';
import { mul } from '../ops/arithmetic.js';
import { sigmoid, softplus, tanh } from '../ops/unary.js';
import { ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';

export type ActivationName =
  | 'linear'
  | 'relu'
  | 'sigmoid'
  | 'softmax'
  | 'tanh'
  | 'gelu'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'leakyRelu'
  | 'relu6'
  | 'swish'
  | 'logSoftmax';

type Activation = (x: Tensor) => Tensor;

// Each is the engine op with Keras's defaults: softmax over the last axis, exact gelu,
// elu alpha 1, leakyRelu slope 0.2.
const activations: Record<ActivationName, Activation> = {
  linear: (x) => x,
  relu: ops.relu,
  sigmoid,
  softmax: (x) => ops.softmax(x, -1),
  tanh,
  gelu: (x) => ops.gelu(x),
  elu: (x) => ops.elu(x),
  selu: ops.selu,
  softplus,
  leakyRelu: (x) => ops.leakyRelu(x),
  relu6: ops.relu6,
  swish: (x) => mul(x, sigmoid(x)),
  logSoftmax: (x) => ops.logSoftmax(x, -1),
};

// Keras's spellings of the names whose TypeScript casing differs; 'silu' is Keras 3's name for swish.
const aliases: Record<string, ActivationName> = {
  leaky_relu: 'leakyRelu',
  log_softmax: 'logSoftmax',
  silu: 'swish',
};

// The activations the matMul and conv2d kernels can apply in their epilogue.
const fused: Partial<Record<ActivationName, FusedActivation>> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
};

export function isActivationName(name: string): name is ActivationName {
  return Object.hasOwn(activations, name);
}

/** The canonical name for a name or one of its aliases, or an error listing the valid names. */
function canonical(name: string): ActivationName {
  if (isActivationName(name)) return name;
  if (Object.hasOwn(aliases, name)) return aliases[name];
  throw new ValueError(
    `activation: unknown name ${JSON.stringify(name)}; expected one of: ${Object.keys(activations).join(', ')} ` +
      `(or the aliases ${Object.keys(aliases).join(', ')})`,
  );
}

/** The activation function of this name ('relu', 'leaky_relu'…), applied elementwise or over the last axis. */
export function activation(name: ActivationName | string): Activation {
  return activations[canonical(name)];
}

/** The fused epilogue the matMul/conv2d kernels run, or null when this activation cannot be fused. */
export function fusedActivation(name: ActivationName | string): FusedActivation | null {
  return fused[canonical(name)] ?? null;
}

/**
 * Runs a product (a GEMM or a convolution) with the activation inside its kernel when the
 * kernel can fuse it, and after it otherwise: the one place layers decide between the two.
 */
export function withActivation(
  name: ActivationName | string,
  product: (fused: FusedActivation) => Tensor,
): Tensor {
  const fused = fusedActivation(name);
  const y = product(fused ?? 'linear');
  return fused === null ? activation(name)(y) : y;
}
