import { transformMessages as m, TransformError } from './messages.js';

interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
}

/**
 * Reads the keys of a spec or of saved JSON, one checked key at a time, and refuses keys nobody
 * read. Specs and JSON go through the same reader, so a saved transform is held to the rules a
 * hand-written one is, and every error names where it is (the column) and the key.
 */
export class Fields {
  readonly where: string;
  readonly #object: Record<string, unknown>;
  readonly #read = new Set<string>();

  constructor(where: string, value: unknown) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TransformError(`${where}: expected an object, got ${JSON.stringify(value) ?? String(value)}`);
    }
    this.where = where;
    this.#object = value as Record<string, unknown>;
  }

  /** The keys present, for objects keyed by column name. */
  keys(): string[] {
    return Object.keys(this.#object);
  }

  has(key: string): boolean {
    return this.#object[key] !== undefined;
  }

  /** The raw value, marked as read; for keys checked by the caller. */
  raw(key: string): unknown {
    this.#read.add(key);
    return this.#object[key];
  }

  fail(key: string, got: unknown, expected: string): never {
    throw new TransformError(m.invalid(this.where, key, got, expected));
  }

  #required<T>(key: string, value: T | undefined, expected: string): T {
    if (value === undefined) throw new TransformError(m.missingKey(this.where, key, expected));
    return value;
  }

  oneOf<K extends string>(key: string, options: readonly K[], fallback: K): K;
  oneOf<K extends string>(key: string, options: readonly K[]): K | undefined;
  oneOf<K extends string>(key: string, options: readonly K[], fallback?: K): K | undefined {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !options.includes(v as K)) {
      this.fail(key, v, `one of ${options.map((o) => `'${o}'`).join(', ')}`);
    }
    return v as K;
  }

  requiredOneOf<K extends string>(key: string, options: readonly K[]): K {
    return this.#required(key, this.oneOf(key, options), `one of ${options.map((o) => `'${o}'`).join(', ')}`);
  }

  number(key: string, rule?: NumberRule, fallback?: number): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (!isNumber(v, rule)) this.fail(key, v, describeNumber(rule));
    return v;
  }

  requiredNumber(key: string, rule?: NumberRule): number {
    return this.#required(key, this.number(key, rule), describeNumber(rule));
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, v, 'true or false');
    return v;
  }

  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(key, v, 'a string');
    return v;
  }

  requiredString(key: string): string {
    return this.#required(key, this.string(key), 'a string');
  }

  numbers(key: string, rule?: NumberRule): number[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const expected = `an array of ${describeNumber(rule).replace(/^an? /, '')}s`;
    if (!Array.isArray(v) || !v.every((x) => isNumber(x, rule))) this.fail(key, v, expected);
    return [...(v as number[])];
  }

  requiredNumbers(key: string, rule?: NumberRule): number[] {
    return this.#required(key, this.numbers(key, rule), 'an array of numbers');
  }

  strings(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      this.fail(key, v, 'an array of strings');
    }
    return [...(v as string[])];
  }

  requiredStrings(key: string): string[] {
    return this.#required(key, this.strings(key), 'an array of strings');
  }

  /** Throws if the object holds a key that no read asked for (a typo such as `fil`). */
  finish(): void {
    const unknown = Object.keys(this.#object).filter(
      (k) => !this.#read.has(k) && this.#object[k] !== undefined,
    );
    if (unknown.length > 0) throw new TransformError(m.unknownKeys(this.where, unknown, [...this.#read]));
  }
}

function isNumber(v: unknown, rule: NumberRule = {}): v is number {
  return (
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min)
  );
}

function describeNumber(rule: NumberRule = {}): string {
  const what = rule.integer ? 'an integer' : 'a finite number';
  return rule.min === undefined ? what : `${what} ≥ ${rule.min}`;
}
