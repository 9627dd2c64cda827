import type { DType, TypedArray } from '../backend/index.js';
import { type GradNode, Tensor } from '../tensor/tensor.js';
import { isRecording } from './mode.js';

/**
 * Wraps a kernel's output as a tensor and, when any input needs a gradient and recording is on,
 * remembers how to send the output's gradient back to the inputs. The rule returns one gradient
 * per input, in the input's shape, or null where none flows.
 */
export function result(
  op: string,
  values: TypedArray,
  shape: readonly number[],
  dtype: DType,
  inputs: readonly Tensor[],
  rule?: GradNode['backward'],
): Tensor {
  const track = rule !== undefined && isRecording() && inputs.some((t) => t.requiresGrad);
  return new Tensor(values, shape, dtype, track ? { op, inputs, backward: rule } : null);
}
