import { likelyMeant } from '../nn/serialize.js';
import { ValueError } from '../tensor/errors.js';
import { optimMessages } from './messages.js';

/** A condition an option's number must meet, and how the error describes it. */
export interface Rule {
  test: (x: number) => boolean;
  expected: string;
}

export const positive: Rule = { test: (x) => Number.isFinite(x) && x > 0, expected: 'a finite number > 0' };
export const nonNegative: Rule = {
  test: (x) => Number.isFinite(x) && x >= 0,
  expected: 'a finite number ≥ 0',
};
export const unitInterval: Rule = { test: (x) => x >= 0 && x < 1, expected: 'a number in [0, 1)' };
export const closedUnitInterval: Rule = { test: (x) => x >= 0 && x <= 1, expected: 'a number in [0, 1]' };
export const nonNegativeInteger: Rule = {
  test: (x) => Number.isInteger(x) && x >= 0,
  expected: 'an integer ≥ 0',
};

/**
 * Reads the options of one optimizer or schedule, whether typed by a user or read back from
 * model.json, so each value is checked at run time and errors name the owner and the option.
 */
export class Options {
  readonly #owner: string;
  readonly #values: Readonly<Record<string, unknown>>;

  constructor(owner: string, values: object, known: readonly string[]) {
    this.#owner = owner;
    this.#values = values as Record<string, unknown>;
    for (const key of Object.keys(this.#values)) {
      if (!known.includes(key)) {
        throw new ValueError(optimMessages.unknownOption(owner, key, known, likelyMeant(key, known)));
      }
    }
  }

  get owner(): string {
    return this.#owner;
  }

  /** The raw value, for options (such as a schedule) that are not plain numbers or booleans. */
  raw(name: string): unknown {
    return this.#values[name];
  }

  /** Without a fallback the option is required. */
  number(name: string, fallback: number | undefined, rule: Rule): number {
    const value = this.#values[name] ?? fallback;
    return this.#check(name, value, rule);
  }

  /** An option whose absence (undefined or null) means "off". */
  optionalNumber(name: string, rule: Rule): number | null {
    const value = this.#values[name];
    return value === undefined || value === null ? null : this.#check(name, value, rule);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.#values[name] ?? fallback;
    if (typeof value !== 'boolean') {
      throw new ValueError(optimMessages.badOption(this.#owner, name, value, 'true or false'));
    }
    return value;
  }

  numberList(name: string, rule: Rule): number[] {
    const value = this.#values[name];
    if (!Array.isArray(value)) {
      throw new ValueError(optimMessages.badOption(this.#owner, name, value, 'an array of numbers'));
    }
    return value.map((x, i) => this.#check(`${name}[${i}]`, x, rule));
  }

  #check(name: string, value: unknown, rule: Rule): number {
    if (typeof value !== 'number' || !rule.test(value)) {
      throw new ValueError(optimMessages.badOption(this.#owner, name, value, rule.expected));
    }
    return value;
  }
}
