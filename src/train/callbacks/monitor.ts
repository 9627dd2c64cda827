import { messages, ValueError } from '../../tensor/errors.js';
import type { Logs } from '../callback.js';

export type MonitorMode = 'auto' | 'min' | 'max';

// Names of metrics that improve upwards; every other metric (losses, errors) improves downwards.
const higherIsBetter = ['acc', 'auc', 'precision', 'recall', 'f1'];

/**
 * The metric a callback watches (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau): which
 * way is better, what counts as an improvement, and one warning if the logs lack it.
 */
export class Monitor {
  readonly name: string;
  readonly direction: 'min' | 'max';
  readonly minDelta: number;
  readonly #owner: string;
  #warned = false;

  constructor(owner: string, name: string, mode: MonitorMode, minDelta = 0) {
    if (typeof name !== 'string' || name === '') {
      throw new ValueError(
        messages.invalidArgument(owner, 'monitor', name, 'a metric name such as "val_loss"'),
      );
    }
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      throw new ValueError(messages.invalidArgument(owner, 'mode', mode, "'auto', 'min' or 'max'"));
    }
    checkNumber(owner, 'minDelta', minDelta, minDelta >= 0, 'a non-negative number');
    this.#owner = owner;
    this.name = name;
    this.direction =
      mode !== 'auto' ? mode : higherIsBetter.some((part) => name.includes(part)) ? 'max' : 'min';
    this.minDelta = minDelta;
  }

  /** The worst possible value, which any real value improves on. */
  get worst(): number {
    return this.direction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** True when `current` beats `reference` by more than minDelta; null is beaten by any number. */
  isImprovement(current: number, reference: number | null): boolean {
    if (Number.isNaN(current)) return false;
    if (reference === null) return true;
    return this.direction === 'min'
      ? current + this.minDelta < reference
      : current - this.minDelta > reference;
  }

  /** The monitored value in `logs`, or undefined (warning once per callback) when absent. */
  read(logs: Logs): number | undefined {
    const value = logs[this.name];
    if (typeof value === 'number') return value;
    if (!this.#warned) {
      this.#warned = true;
      const available = Object.keys(logs).join(', ') || 'none';
      const hint = this.name.startsWith('val_')
        ? '; pass validation data to fit, or monitor another metric'
        : '';
      console.warn(
        `${this.#owner}: the monitored metric '${this.name}' is not in the logs (available: ${available})${hint}`,
      );
    }
    return undefined;
  }
}

/** Throws a ValueError naming the option unless `ok` holds for a finite number. */
export function checkNumber(
  owner: string,
  option: string,
  value: unknown,
  ok: boolean,
  expected: string,
): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok) {
    // JSON would print NaN and Infinity as null.
    const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
    throw new ValueError(messages.invalidArgument(owner, option, shown, expected));
  }
}

export function checkCount(owner: string, option: string, value: unknown): void {
  checkNumber(
    owner,
    option,
    value,
    Number.isInteger(value) && (value as number) >= 0,
    'a non-negative integer',
  );
}

export function checkVerbose(owner: string, value: unknown): void {
  if (value !== 0 && value !== 1)
    throw new ValueError(messages.invalidArgument(owner, 'verbose', value, '0 or 1'));
}
