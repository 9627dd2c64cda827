import type { Value } from '../table.js';
import { CleaningConfigError, cleaningMessages as msg } from './errors.js';

/**
 * Missing means no value: null, NaN, or a string of only whitespace (what a CSV reader yields for
 * an empty field). Every step that looks for missing values uses this one test.
 */
export function isMissing(value: Value | undefined): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'number' && Number.isNaN(value)) ||
    (typeof value === 'string' && value.trim() === '')
  );
}

/** A value as a message shows it: strings quoted, so that `' '` and `''` can be told apart. */
export function describeValue(value: Value): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString();
  return String(value);
}

/** A string that two values share exactly when they are the same value of the same type. */
export function valueKey(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof Date) return `d:${value.getTime()}`;
  return `${typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'b'}:${value}`;
}

export function sameValue(a: Value, b: Value): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** The text a string operation sees in a cell: dates as ISO 8601, other values spelt out. */
export function cellText(value: Value): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A value as JSON can hold it: dates become `{ "$date": ISO }`, which JSON has no type for. */
export function encodeValue(value: Value): JsonValue {
  return value instanceof Date ? { $date: value.toISOString() } : value;
}

export function decodeValue(raw: unknown, path: string): Value {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const { $date, ...rest } = raw as Record<string, unknown>;
    if (typeof $date === 'string' && Object.keys(rest).length === 0) {
      const date = new Date($date);
      if (!Number.isNaN(date.getTime())) return date;
    }
  }
  throw new CleaningConfigError(
    path,
    msg.wrongType(raw, 'a value (string, number, boolean, null or {$date})'),
  );
}
