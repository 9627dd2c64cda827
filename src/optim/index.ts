import { resolve, type Serialized } from '../nn/serialize.js';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { Adam, type AdamOptions } from './adam.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop, type RmspropOptions } from './rmsprop.js';
import { SGD, type SgdOptions } from './sgd.js';

export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { BaseOptimizer, type OptimizerOptions, type Slot, type Update } from './base.js';
export { clipByGlobalNorm, clipByNorm, clipByValue, globalNorm } from './clipping.js';
export type { Optimizer } from './optimizer.js';
export { RMSprop, type RmspropOptions } from './rmsprop.js';
export {
  CosineDecay,
  type CosineDecayOptions,
  cosineDecay,
  ExponentialDecay,
  type ExponentialDecayOptions,
  exponentialDecay,
  type LearningRateSchedule,
  learningRateSchedule,
  PiecewiseConstantDecay,
  type PiecewiseConstantDecayOptions,
  piecewiseConstantDecay,
} from './schedules.js';
export { SGD, type SgdOptions } from './sgd.js';

export const sgd = (options: SgdOptions = {}): SGD => new SGD(options);
export const adam = (options: AdamOptions = {}): Adam => new Adam(options);
export const adamw = (options: AdamWOptions = {}): AdamW => new AdamW(options);
export const rmsprop = (options: RmspropOptions = {}): RMSprop => new RMSprop(options);
export const adagrad = (options: AdagradOptions = {}): Adagrad => new Adagrad(options);

// Keyed in lower case: names are matched case-insensitively ('Adam', 'adam', 'RMSProp').
// Configs from model.json are checked option by option by the constructors.
const optimizers: Readonly<Record<string, (config: Record<string, unknown>) => Optimizer>> = {
  sgd: (c) => new SGD(c),
  adam: (c) => new Adam(c),
  adamw: (c) => new AdamW(c),
  rmsprop: (c) => new RMSprop(c),
  adagrad: (c) => new Adagrad(c),
};

/**
 * An optimizer as a user may name it where Keras takes one: an id ('adam') with Keras's
 * defaults, an optimizer already built, or { className, config } as getConfig wrote it.
 */
export function optimizer(id: string | Optimizer | Serialized): Optimizer {
  if (typeof id === 'string') return resolve('optimizer', optimizers, id.toLowerCase());
  if ('getConfig' in id && typeof id.getConfig === 'function') return id;
  const { className, config } = id as Serialized;
  return resolve('optimizer', optimizers, { className: String(className).toLowerCase(), config });
}
