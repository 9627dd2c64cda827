import type { Value } from '../table.js';
import { expectObject, keyPath, type RawObject, readStringList, StepReader } from './config.js';
import { CleaningConfigError, CleaningDataError, cleaningMessages as msg } from './errors.js';
import { type DateParser, dateParser, numberParser } from './parse.js';
import { type DeclaredStep, requireColumns, StepLedger, stateless } from './step.js';
import { describeValue, sameValue } from './values.js';

export const coerceTypes = ['number', 'integer', 'boolean', 'datetime', 'category', 'text'] as const;
export type CoerceType = (typeof coerceTypes)[number];

/**
 * Turns the text a CSV reader gives into typed values, column by column.
 *
 * - Numbers follow `thousands` (none by default) and `decimal` ('.'): with `decimal: ','` and
 *   `thousands: '.'`, "1.234,5" is 1234.5. Currency symbols, percent signs and units are not
 *   stripped: "$1,234" is an error, so that a column of prices in mixed currencies is not read
 *   as one number silently.
 * - Datetimes try `dateFormats` in order (default ['ISO']); see `dateParser` for the tokens.
 * - Booleans match `booleans.true` / `booleans.false` without regard to case.
 * - `missing` lists the sentinels that mean "no value" (default ['']), for every coerced column or,
 *   as a record, per column; they are matched exactly, so " " is not missing unless listed.
 * - A value that does not parse sends its row to quarantine (default), becomes null and is
 *   counted in the report's `invalid`, or stops the run with the file and line (`onError`).
 */
export interface CoerceStep {
  step: 'coerce';
  columns: Record<string, CoerceType>;
  thousands?: string | null;
  decimal?: string;
  dateFormats?: string[];
  /** Words, matched without regard to case; numbers are spelt out (YAML reads `1` as a number). */
  booleans?: { true?: (string | number)[]; false?: (string | number)[] };
  /** Sentinels, matched exactly against the text of a cell; numbers are spelt out. */
  missing?: (string | number)[] | Record<string, (string | number)[]>;
  onError?: 'quarantine' | 'null' | 'error';
}

const thousandsSeparators = [',', '.', ' ', "'", '_', '\u00a0', '\u202f'];
const defaultBooleans = { true: ['true', 'yes', 'y', '1', 't'], false: ['false', 'no', 'n', '0', 'f'] };
const keys = ['columns', 'thousands', 'decimal', 'dateFormats', 'booleans', 'missing', 'onError'];

/** What a converter returns for a value it cannot read; the converter's `problem` says why. */
const INVALID = Symbol('invalid');

/** One column's conversion. No result object per cell: coerce runs over every cell of a file. */
interface Converter {
  convert(value: Value): Value | typeof INVALID;
  problem: string;
}

export function declareCoerce(raw: RawObject, path: string): DeclaredStep<CoerceStep> {
  const r = new StepReader(raw, path, 'coerce', keys);
  const config = validate(r);
  const dates = compileFormats(config.dateFormats ?? ['ISO'], r.at('dateFormats'));
  const converters = new Map<string, Converter>();
  for (const [column, type] of Object.entries(config.columns)) {
    converters.set(column, makeConverter(type, config, dates));
  }
  const sentinels = (column: string) => {
    const missing = config.missing ?? [''];
    return new Set((Array.isArray(missing) ? missing : (missing[column] ?? [''])).map(String));
  };
  const missingByColumn = new Map([...converters.keys()].map((c) => [c, sentinels(c)]));
  return stateless(config, (table, context) => {
    const columns = [...converters.keys()];
    requireColumns('coerce', table, columns);
    const ledger = new StepLedger('coerce', table, context);
    const inputs = columns.map((c) => table.column(c));
    const columnConverters = columns.map((c) => converters.get(c)!);
    const columnSentinels = columns.map((c) => missingByColumn.get(c)!);
    const outputs: Value[][] = columns.map(() => new Array<Value>(table.numRows).fill(null));
    // Row by row, so that the first error thrown and the quarantine's order follow the rows.
    for (let i = 0; i < table.numRows; i++) {
      let reasons: string[] | undefined;
      for (let k = 0; k < columns.length; k++) {
        const value = inputs[k][i];
        if (isSentinel(value, columnSentinels[k])) continue;
        const converted = columnConverters[k].convert(value);
        if (converted !== INVALID) {
          outputs[k][i] = converted;
          continue;
        }
        const reason = msg.notParsed(columns[k], describeValue(value), columnConverters[k].problem);
        if (config.onError === 'error') throw new CleaningDataError('coerce', reason, table.origins[i]);
        if (config.onError === 'null') ledger.invalid(columns[k]);
        else {
          reasons ??= [];
          reasons.push(reason);
        }
      }
      if (reasons) ledger.quarantine(i, reasons.join('; '));
    }
    let out = table;
    columns.forEach((column, k) => {
      let changed = 0;
      for (let i = 0; i < table.numRows; i++) {
        if (!ledger.isRemoved(i) && !sameValue(inputs[k][i], outputs[k][i])) changed++;
      }
      ledger.changed(column, changed);
      out = out.withColumn(column, outputs[k]);
    });
    return ledger.finish(out);
  });
}

function isSentinel(value: Value, sentinels: ReadonlySet<string>): boolean {
  if (value === null) return true;
  if (typeof value === 'string') return sentinels.has(value);
  return typeof value === 'number' && sentinels.has(String(value));
}

function validate(r: StepReader): CoerceStep {
  const rawColumns = expectObject(r.required('columns'), r.at('columns'), 'a record of column → type');
  const columns: Record<string, CoerceType> = {};
  for (const [column, type] of Object.entries(rawColumns)) {
    if (!coerceTypes.includes(type as CoerceType)) {
      throw new CleaningConfigError(keyPath(r.at('columns'), column), msg.notOneOf(type, coerceTypes));
    }
    columns[column] = type as CoerceType;
  }
  if (Object.keys(columns).length === 0) throw r.error('columns', msg.emptyList());

  const thousands = r.raw.thousands ?? null;
  if (thousands !== null && !thousandsSeparators.includes(thousands as string)) {
    throw r.error('thousands', msg.notOneOf(thousands, thousandsSeparators));
  }
  const decimal = r.oneOf('decimal', ['.', ','], '.');
  if (thousands === decimal) throw r.error('thousands', msg.separatorsClash(decimal));

  const dateFormats = r.has('dateFormats') ? readStringList(r.raw.dateFormats, r.at('dateFormats')) : ['ISO'];
  if (dateFormats.length === 0) throw r.error('dateFormats', 'must list at least one format');

  return {
    step: 'coerce',
    columns,
    thousands: thousands as string | null,
    decimal,
    dateFormats,
    booleans: readBooleans(r),
    missing: readMissing(r, columns),
    onError: r.oneOf('onError', ['quarantine', 'null', 'error'], 'quarantine'),
  };
}

function readBooleans(r: StepReader): CoerceStep['booleans'] {
  if (!r.has('booleans')) return { true: [...defaultBooleans.true], false: [...defaultBooleans.false] };
  const at = r.at('booleans');
  const raw = expectObject(r.raw.booleans, at, 'a record with true and false word lists');
  for (const key of Object.keys(raw)) {
    if (key !== 'true' && key !== 'false') {
      throw new CleaningConfigError(keyPath(at, key), msg.notOneOf(key, ['true', 'false']));
    }
  }
  const words = {
    true: raw.true === undefined ? defaultBooleans.true : readStringList(raw.true, keyPath(at, 'true'), true),
    false:
      raw.false === undefined ? defaultBooleans.false : readStringList(raw.false, keyPath(at, 'false'), true),
  };
  const trueWords = new Set(words.true.map((w) => w.trim().toLowerCase()));
  const clash = words.false.find((w) => trueWords.has(w.trim().toLowerCase()));
  if (clash !== undefined) throw r.error('booleans', msg.booleanOverlap(clash));
  return words;
}

function readMissing(r: StepReader, columns: Record<string, CoerceType>): CoerceStep['missing'] {
  if (!r.has('missing')) return [''];
  const at = r.at('missing');
  if (Array.isArray(r.raw.missing)) return readStringList(r.raw.missing, at, true);
  const raw = expectObject(r.raw.missing, at, 'a list of sentinels, or a record of column → sentinels');
  const perColumn: Record<string, string[]> = {};
  for (const [column, list] of Object.entries(raw)) {
    // A sentinel list for a column that is not coerced would never be used: most likely a typo.
    if (!(column in columns)) {
      throw new CleaningConfigError(keyPath(at, column), msg.notOneOf(column, Object.keys(columns)));
    }
    perColumn[column] = readStringList(list, keyPath(at, column), true);
  }
  return perColumn;
}

function compileFormats(formats: readonly string[], at: string): DateParser[] {
  return formats.map((format, i) => {
    const parser = dateParser(format);
    if (typeof parser === 'string') {
      throw new CleaningConfigError(keyPath(at, i), msg.badDateFormat(format, parser));
    }
    return parser;
  });
}

function makeConverter(type: CoerceType, config: CoerceStep, dates: readonly DateParser[]): Converter {
  const parseNumber = numberParser({ thousands: config.thousands ?? null, decimal: config.decimal ?? '.' });
  const toNumber = (value: Value): number | undefined => {
    if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
    return typeof value === 'string' ? parseNumber(value) : undefined;
  };
  switch (type) {
    case 'number':
      return {
        convert: (value) => toNumber(value) ?? INVALID,
        problem: 'is not a number',
      };
    case 'integer':
      return {
        convert: (value) => {
          const n = toNumber(value);
          return n === undefined || !Number.isInteger(n) ? INVALID : n;
        },
        problem: 'is not an integer',
      };
    case 'boolean': {
      const words = new Map<string, boolean>();
      for (const w of config.booleans?.true ?? []) words.set(String(w).trim().toLowerCase(), true);
      for (const w of config.booleans?.false ?? []) words.set(String(w).trim().toLowerCase(), false);
      return {
        convert: (value) => {
          if (typeof value === 'boolean') return value;
          const b = value instanceof Date ? undefined : words.get(String(value).trim().toLowerCase());
          return b ?? INVALID;
        },
        problem: 'is not a boolean',
      };
    }
    case 'datetime': {
      return {
        convert: (value) => {
          if (value instanceof Date) return Number.isNaN(value.getTime()) ? INVALID : value;
          if (typeof value !== 'string') return INVALID;
          for (const parse of dates) {
            const date = parse(value);
            if (date) return date;
          }
          return INVALID;
        },
        problem: `is not a date in format ${(config.dateFormats ?? ['ISO']).join(' or ')}`,
      };
    }
    case 'category':
    case 'text':
      return {
        convert: (value) => (value instanceof Date ? value.toISOString() : String(value)),
        problem: '',
      };
  }
}
