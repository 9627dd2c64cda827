import type { Value } from '../table.js';
import { transformMessages as m, TransformError } from './messages.js';

/**
 * Missing, for every transform: null, an absent key in a record, an empty or blank string (what
 * a CSV cell holds when empty) and NaN. Treating them alike keeps a table read from CSV and the
 * same row sent as JSON to the server on the same path.
 */
export function isMissing(value: Value | undefined): value is null | undefined {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A cell as a number, or null when missing. Strings must be plain decimals (what a CSV holds);
 * hex, '1,234' or 'Infinity' are refused rather than guessed at, as is a Date.
 */
export function toNumber(value: Value | undefined, column: string, kind: string): number | null {
  if (isMissing(value)) return null;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === 'boolean') {
    return value ? 1 : 0;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (DECIMAL.test(text)) return Number(text);
  }
  throw new TransformError(m.wrongType(column, kind, value, 'a number'), column);
}

/**
 * A cell as a category key, or null when missing. Numbers and booleans become their text, so
 * that 1 (JSON) and '1' (CSV), or true and 'true', are the same category.
 */
export function categoryKey(value: Value | undefined): string | null {
  if (isMissing(value)) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Runs `read` over a column, naming the row of the first value it refuses. */
export function readColumn<T>(values: readonly Value[], read: (value: Value) => T): T[] {
  const out: T[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    try {
      out[i] = read(values[i]);
    } catch (error) {
      if (error instanceof TransformError && error.row === undefined) {
        throw new TransformError(error.message, error.column, i);
      }
      throw error;
    }
  }
  return out;
}

/** Code-unit order: the same on every machine and locale, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted ascending copy, for quantiles (a typed array sorts numerically, not as text). */
export function sorted(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** The q-quantile of sorted values with linear interpolation (NumPy's default, type 7). */
export function quantile(ascending: readonly number[], q: number): number {
  const position = (ascending.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return ascending[lo] + (ascending[hi] - ascending[lo]) * (position - lo);
}

export interface Moments {
  mean: number;
  /** Population standard deviation (as scikit-learn's StandardScaler and Keras's Normalization). */
  std: number;
}

export function moments(values: readonly number[]): Moments {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** A scale that divides safely: a constant column keeps its centred value 0 instead of NaN. */
export const safeScale = (scale: number): number => (scale > 0 && Number.isFinite(scale) ? scale : 1);
