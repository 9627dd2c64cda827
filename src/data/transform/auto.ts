import type { Table, Value } from '../table.js';
import { parseDateText } from './date.js';
import type { ColumnSpec } from './spec.js';
import { standardize, tokenize } from './text.js';
import { categoryKey, isMissing } from './values.js';

/**
 * What a column holds, as a profiler would say it. `identifier` and `ignore` columns are dropped.
 * 'integer' and 'datetime' are accepted as the profiler (src/data/infer-type.ts) spells them, so
 * its column types can be passed as they are.
 */
export type ColumnType =
  | 'number'
  | 'integer'
  | 'category'
  | 'boolean'
  | 'text'
  | 'date'
  | 'datetime'
  | 'identifier'
  | 'ignore';

export interface AutoOptions {
  /** The label column, left out of the features. */
  label?: string;
  /** Types that override the inferred ones (a profiler's verdict, or the user's). */
  types?: Readonly<Record<string, ColumnType>>;
  /** Categorical columns with more distinct values than this keep only this many, most frequent first (default 20). */
  maxOneHot?: number;
  /** maxTokens of a text column's TF-IDF (default 5000). */
  maxTokens?: number;
}

export interface ColumnGuess {
  type: ColumnType;
  reason: string;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
/** Names such as id, ID, customerID, customer_id, user-id, uuid. */
// Case matters: 'paid' or 'valid' end in 'id' but are not identifiers.
const ID_NAME = /^(id|ID|Id|uuid|UUID|guid|GUID)$|[_\-\s](id|ID|Id)$|[a-z0-9](ID|Id)$/;
/** Strings with at least this many words on average are prose, not categories. */
const TEXT_WORDS = 3;

/**
 * The type of a column, by these rules on its non-missing values, in order: nothing there or one
 * value → ignore; all dates (Date or a date string) → date; all booleans or 'true'/'false' →
 * boolean; every value distinct and a name such as id, customerID or user_id → identifier; all
 * numbers → number; strings of ≥ 3 words on average that rarely repeat → text; at most
 * `maxOneHot` distinct strings → category; strings all distinct → identifier; other strings →
 * category.
 */
export function inferColumnType(name: string, values: readonly Value[], maxOneHot = 20): ColumnGuess {
  const observed = values.filter((v) => !isMissing(v)) as Exclude<Value, null>[];
  if (observed.length === 0) return { type: 'ignore', reason: 'every value is missing' };
  const distinct = new Set(observed.map((v) => categoryKey(v)!));
  if (distinct.size === 1) return { type: 'ignore', reason: `constant: every value is ${[...distinct][0]}` };
  const all = (test: (v: Exclude<Value, null>) => boolean) => observed.every(test);
  if (all((v) => v instanceof Date || (typeof v === 'string' && parseDateText(v) !== null))) {
    return { type: 'date', reason: 'dates' };
  }
  if (all((v) => typeof v === 'boolean' || (typeof v === 'string' && BOOLEAN.test(v.trim())))) {
    return { type: 'boolean', reason: 'true/false values' };
  }
  const unique = distinct.size === observed.length;
  if (unique && ID_NAME.test(name))
    return { type: 'identifier', reason: 'an id: named so, every value distinct' };
  if (all((v) => typeof v === 'number' || (typeof v === 'string' && DECIMAL.test(v.trim())))) {
    return { type: 'number', reason: 'numbers' };
  }
  const words = observed.reduce<number>((sum, v) => sum + tokenize(standardize(String(v))).length, 0);
  // Several words alone do not make prose: 'Bank transfer (automatic)' is one of four categories.
  const varied = distinct.size > maxOneHot || distinct.size * 2 > observed.length;
  if (words / observed.length >= TEXT_WORDS && varied) return { type: 'text', reason: 'prose' };
  if (distinct.size <= maxOneHot) return { type: 'category', reason: `${distinct.size} distinct values` };
  if (unique) return { type: 'identifier', reason: 'an id: short strings, every value distinct' };
  return { type: 'category', reason: `${distinct.size} distinct values` };
}

/**
 * A column spec per column of `table` (the label left out), by the types given or inferred:
 * number → standard scaling with a mean fill (and a missing indicator when training has gaps);
 * category and boolean → one-hot (the `maxOneHot` most frequent when there are more); text →
 * TF-IDF; date → parts and cyclical features; identifier and ignore → drop, with the reason.
 */
export function autoColumns(table: Table, options: AutoOptions = {}): Record<string, ColumnSpec> {
  const maxOneHot = options.maxOneHot ?? 20;
  const columns: Record<string, ColumnSpec> = {};
  for (const name of table.columnNames) {
    if (name === options.label) continue;
    const values = table.column(name);
    const given = options.types?.[name];
    const guess =
      given === undefined ? inferColumnType(name, values, maxOneHot) : { type: given, reason: 'given' };
    const gaps = values.some((v) => isMissing(v));
    switch (guess.type) {
      case 'number':
      case 'integer':
        columns[name] = { kind: 'standard', fill: 'mean', ...(gaps ? { indicator: true } : {}) };
        break;
      case 'category':
      case 'boolean': {
        const distinct = new Set(values.map(categoryKey).filter((k) => k !== null)).size;
        columns[name] =
          distinct > maxOneHot ? { kind: 'oneHot', maxCategories: maxOneHot } : { kind: 'oneHot' };
        break;
      }
      case 'text':
        columns[name] = { kind: 'text', output: 'tfidf', maxTokens: options.maxTokens ?? 5000 };
        break;
      case 'date':
      case 'datetime':
        columns[name] = { kind: 'date', ...(gaps ? { indicator: true } : {}) };
        break;
      default:
        columns[name] = {
          kind: 'drop',
          reason: guess.type === 'identifier' ? guess.reason : `ignored: ${guess.reason}`,
        };
    }
  }
  return columns;
}
