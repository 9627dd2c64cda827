import { Adam, type AdamOptions } from './adam.js';
import type { BaseDefaults } from './base.js';

export type AdamWOptions = AdamOptions;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter), as Keras 3's AdamW: before each Adam
 * step, w ← w − lr·weightDecay·w, at the undecayed rate rather than Adam's corrected one.
 * Defaults as Adam's, with weightDecay 0.004.
 */
export class AdamW extends Adam {
  protected static override readonly identity: { className: string; defaults: BaseDefaults } = {
    className: 'AdamW',
    defaults: { learningRate: 0.001, weightDecay: 0.004 },
  };
}
