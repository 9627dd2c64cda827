import type { Variable } from '../nn/variable.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The contract every optimizer keeps. `applyGradients` updates each variable from its gradient
 * (after clipping, at the schedule's rate for the current step) and counts the step. Its state
 * (step count and per-variable slots such as Adam's moments) can be read and restored, so that
 * a saved model resumes training exactly.
 */
export interface Optimizer {
  readonly className: string;
  getConfig(): Record<string, unknown>;
  /** The learning rate now: a schedule is evaluated at the current step. */
  readonly learningRate: number;
  /** Replaces the learning rate (a number replaces any schedule), as ReduceLROnPlateau does. */
  setLearningRate(rate: number): void;
  /** Steps taken so far. */
  readonly iterations: number;
  applyGradients(variables: readonly Variable[], grads: readonly Tensor[]): void;
  /** The step count as a one-element tensor, then every slot of every variable, in variable order. */
  getState(variables: readonly Variable[]): Tensor[];
  /** Restores what getState returned for the same variables. */
  setState(variables: readonly Variable[], state: readonly Tensor[]): void;
}
