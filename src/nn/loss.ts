import type { Tensor } from '../tensor/tensor.js';

/**
 * A loss: per-sample values of shape [batch], which the model averages (weighted by sample or
 * class weights). `logitsOf` names the activation this loss can absorb: a model whose output
 * layer ends in that activation computes the loss from the layer's pre-activation output with
 * `fromLogits: true`, so softmax and cross-entropy run fused and stable.
 */
export interface Loss {
  /** The name used in logs and in model.json: 'sparse_categorical_crossentropy'… */
  readonly name: string;
  readonly className: string;
  readonly fromLogits: boolean;
  getConfig(): Record<string, unknown>;
  /** Per-sample losses, shape [batch]. */
  call(yTrue: Tensor, yPred: Tensor): Tensor;
  /** The output activation this loss fuses with ('softmax', 'sigmoid') when not from logits. */
  readonly logitsOf: 'softmax' | 'sigmoid' | null;
  /** The same loss taking logits. */
  withLogits(): Loss;
}
