import { result } from '../autograd/record.js';
import { backend, type Epilogue, FUSED_ACTIVATIONS, type FusedActivation } from '../backend/index.js';
import { messages, ShapeError, ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { asPair } from './operand.js';

/** A bias and an activation applied to a product inside its kernel, as in tf.fused. */
export interface FusedOptions {
  /** Added to the last dimension of the result; shape [channels]. */
  bias?: Tensor;
  activation?: FusedActivation;
}

/** Validates the options of op against a result with `channels` in its last dimension. */
export function epilogueOf(
  op: string,
  like: Tensor,
  channels: number,
  options: FusedOptions,
): Epilogue | undefined {
  const { bias, activation = 'linear' } = options;
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new ValueError(
      messages.invalidArgument(op, 'activation', activation, FUSED_ACTIVATIONS.join(', ')),
    );
  }
  if (bias === undefined && activation === 'linear') return undefined;
  if (bias !== undefined) {
    asPair(op, like, bias);
    if (bias.rank !== 1 || bias.shape[0] !== channels) {
      throw new ShapeError(messages.biasShape(op, bias.shape, channels));
    }
  }
  return { bias: bias?.values, activation };
}

/**
 * Backpropagates through y = activation(z + bias): returns dz, for the product's own rule, and
 * the bias gradient (null when there is no bias or it needs none).
 */
export function epilogueGradient(
  dy: Tensor,
  y: Tensor,
  options: FusedOptions,
): { dz: Tensor; dBias: Tensor | null } {
  const { bias, activation = 'linear' } = options;
  if (bias === undefined && activation === 'linear') return { dz: dy, dBias: null };
  const channels = y.shape[y.rank - 1];
  const withBias = bias?.requiresGrad ?? false;
  const { dz, dBias } = backend().epilogueGrad(dy.values, y.values, activation, channels, withBias);
  return {
    dz: result('epilogueGrad', dz, dy.shape, dy.dtype, []),
    dBias: dBias && result('epilogueGrad', dBias, [channels], dy.dtype, []),
  };
}
