import type { Value } from './table.js';

/**
 * How one cell reads. Readers give strings (CSV) or typed values (JSON, SQL); both go through
 * `readValue`, so that profiling, schemas and validation agree on what a cell means.
 *
 * The rules, in the order they are tried on a string (after trimming):
 * - **missing**: null, '' or whitespace only, or one of the sentinels (compared case-insensitively,
 *   so 'NULL', 'na' and 'nan' are missing too). Typed NaN and invalid Dates are missing as well;
 *   a typed infinity reads as the string 'Infinity', so a number column counts it as invalid.
 * - **boolean**: true/false/yes/no/y/n, case-insensitive. '1' and '0' read as integers; a column
 *   of them is an integer column unless a schema or `types` option declares it boolean, or it
 *   also holds boolean words.
 * - **integer / number**: see `parseNumber` for thousands separators and the decimal comma. A
 *   string is an integer when it is written without a fraction or exponent ('1.0' is a number).
 * - **datetime**: see `parseDatetime`.
 * - anything else is a **string**.
 */
export type ValueKind = 'integer' | 'number' | 'boolean' | 'datetime' | 'string';

/** A cell as read: numbers for integer/number, epoch milliseconds (UTC) for datetime. */
export type ReadValue =
  | { kind: 'missing' }
  | { kind: 'integer' | 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'datetime'; value: number }
  | { kind: 'string'; value: string };

/**
 * What a column holds. integer/number/boolean/datetime follow the values; a string column is a
 * category (few distinct values), an identifier (nearly all distinct, or named like an id) or
 * text (long, free-form). The column-level rules live with the profile (`profile.ts`).
 */
export type ColumnType = 'number' | 'integer' | 'boolean' | 'category' | 'datetime' | 'text' | 'identifier';

export const COLUMN_TYPES: readonly ColumnType[] = [
  'number',
  'integer',
  'boolean',
  'category',
  'datetime',
  'text',
  'identifier',
];

/** The markers of a missing value that data in the wild uses; '' and whitespace are always missing. */
export const DEFAULT_SENTINELS: readonly string[] = ['NA', 'N/A', 'null', 'NaN', '?', '-'];

export interface ReadOptions {
  /** Strings that mean "missing", compared case-insensitively after trimming. */
  sentinels: readonly string[];
  /**
   * 'auto' (default) reads both '1,234.5' and '1234,5' where the writing says which is meant;
   * '.' or ',' fixes the decimal separator for data from one locale (see `parseNumber`).
   */
  decimalSeparator: 'auto' | '.' | ',';
  /** How 'a/b/yyyy' is read: month first (US, the default) or day first. */
  dateOrder: 'mdy' | 'dmy';
}

export const DEFAULT_READ_OPTIONS: ReadOptions = {
  sentinels: DEFAULT_SENTINELS,
  decimalSeparator: 'auto',
  dateOrder: 'mdy',
};

/** Fills in defaults; the result is plain JSON, so that a profile or schema can record it. */
export function readOptions(options: Partial<ReadOptions> = {}): ReadOptions {
  return {
    sentinels: [...(options.sentinels ?? DEFAULT_SENTINELS)],
    decimalSeparator: options.decimalSeparator ?? 'auto',
    dateOrder: options.dateOrder ?? 'mdy',
  };
}

// Sentinel sets are looked up once per cell; caching by the options' array avoids a Set per call.
// The longest sentinel lets a long cell skip the lowercasing that the lookup needs.
interface Sentinels {
  words: ReadonlySet<string>;
  maxLength: number;
  /** The first characters of the words, when all are ASCII (lowercase), else null. */
  asciiFirst: ReadonlySet<number> | null;
}
const sentinelSets = new WeakMap<readonly string[], Sentinels>();
function sentinelSet(sentinels: readonly string[]): Sentinels {
  let set = sentinelSets.get(sentinels);
  if (set === undefined) {
    const words = new Set(sentinels.map((s) => s.trim().toLowerCase()));
    const firsts = [...words].map((w) => w.charCodeAt(0));
    set = {
      words,
      maxLength: Math.max(0, ...[...words].map((w) => w.length)),
      asciiFirst: firsts.every((c) => c < 128) ? new Set(firsts) : null,
    };
    sentinelSets.set(sentinels, set);
  }
  return set;
}

/** Whether trimmed, non-empty text is one of the sentinels. */
function isSentinelText(text: string, sentinels: readonly string[]): boolean {
  const set = sentinelSet(sentinels);
  if (text.length > set.maxLength) return false;
  // An ASCII first character lowercases to one ASCII character, so a mismatch there rules it out.
  const first = text.charCodeAt(0);
  if (
    set.asciiFirst !== null &&
    first < 128 &&
    !set.asciiFirst.has(first | (first >= 65 && first <= 90 ? 32 : 0))
  )
    return false;
  return set.words.has(text.toLowerCase());
}

export function isMissing(value: Value, sentinels: readonly string[] = DEFAULT_SENTINELS): boolean {
  if (value === null) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (value instanceof Date) return Number.isNaN(value.getTime());
  if (typeof value !== 'string') return false;
  const text = value.trim();
  return text === '' || isSentinelText(text, sentinels);
}

const MISSING: ReadValue = { kind: 'missing' };

/** Reads one cell; see `ValueKind` for the rules. */
export function readValue(value: Value, options: ReadOptions = DEFAULT_READ_OPTIONS): ReadValue {
  // Reading is synchronous and never re-entered, so one reader serves every call.
  const cell = sharedReader;
  cell.read(value, options);
  switch (cell.kind) {
    case 'missing':
      return MISSING;
    case 'integer':
    case 'number':
    case 'datetime':
      return { kind: cell.kind, value: cell.number };
    case 'boolean':
      return { kind: 'boolean', value: cell.boolean };
    case 'string':
      return { kind: 'string', value: cell.key };
  }
}

/**
 * `readValue` without an object per cell: one reader is reused for a whole column, and after
 * `read` its fields describe the cell. The profiler reads millions of cells, where an object per
 * cell showed up as garbage-collection time.
 */
export class CellReader {
  kind: ReadValue['kind'] = 'missing';
  /** The value of integer, number and datetime cells (epoch milliseconds). */
  number = 0;
  boolean = false;
  /** `valueKey` of a non-missing cell: for text, the trimmed text. */
  key = '';

  read(value: Value, options: ReadOptions): void {
    if (typeof value === 'string') this.#readText(value.trim(), options);
    else this.#readTyped(value);
  }

  #readTyped(value: Exclude<Value, string>): void {
    if (value === null) this.kind = 'missing';
    else if (typeof value === 'number') {
      if (Number.isNaN(value)) this.kind = 'missing';
      // An infinity from SQL is kept visible as an invalid value rather than poisoning min/mean/max.
      else if (!Number.isFinite(value)) this.kind = 'string';
      else this.#setNumber(Number.isInteger(value) ? 'integer' : 'number', value);
    } else if (typeof value === 'boolean') {
      this.kind = 'boolean';
      this.boolean = value;
    } else {
      const ms = value.getTime();
      if (Number.isNaN(ms)) this.kind = 'missing';
      else this.#setNumber('datetime', ms);
    }
    if (this.kind !== 'missing') this.key = valueKey(value);
  }

  #readText(text: string, options: ReadOptions): void {
    this.key = text;
    if (text === '' || isSentinelText(text, options.sentinels)) {
      this.kind = 'missing';
      return;
    }
    const bool = mayBeBoolean(text) ? parseBoolean(text) : null;
    if (bool !== null) {
      this.kind = 'boolean';
      this.boolean = bool;
    } else if (!this.#readNumber(text, options.decimalSeparator)) {
      const ms = parseDatetime(text, options.dateOrder);
      if (ms !== null) this.#setNumber('datetime', ms);
      else this.kind = 'string';
    }
  }

  /** `parseNumberText`, with the plain writing scanned first and no regex for text that cannot be a number. */
  #readNumber(text: string, decimalSeparator: ReadOptions['decimalSeparator']): boolean {
    if (decimalSeparator !== ',') {
      const plain = plainNumberKind(text);
      if (plain !== null) {
        const value = Number(text);
        if (!Number.isFinite(value)) return false;
        this.#setNumber(plain, value);
        return true;
      }
      if (!mayBeNumber(text)) return false;
    }
    const number = parseNumberText(text, decimalSeparator);
    if (number === null) return false;
    this.#setNumber(number.kind, number.value);
    return true;
  }

  #setNumber(kind: 'integer' | 'number' | 'datetime', value: number): void {
    this.kind = kind;
    this.number = value;
  }
}

const sharedReader = new CellReader();

/**
 * The key under which a value is counted as distinct and matched against a category domain:
 * the trimmed text as written, so that 'UK' and 'UK ' are one value but '1' and '1.0' are two.
 */
export function valueKey(value: Value): string {
  if (typeof value === 'string') return value.trim();
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const TRUE_WORDS = new Set(['true', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', 'no', 'n']);
const LONGEST_BOOLEAN_WORD = 5;
// t, f, y, n: the first letters of the words, lowercase.
const BOOLEAN_FIRST = new Set([116, 102, 121, 110]);

/** A cheap test that rules out most text (numbers, dates, long words) before `parseBoolean`. */
function mayBeBoolean(text: string): boolean {
  if (text.length > LONGEST_BOOLEAN_WORD) return false;
  const first = text.charCodeAt(0);
  // Only an ASCII character is ruled out: lowercasing other characters is not a simple shift.
  return first >= 128 || BOOLEAN_FIRST.has(first | (first >= 65 && first <= 90 ? 32 : 0));
}

/** true/false/yes/no/y/n in any case; null otherwise ('1' and '0' are numbers, see `readAs`). */
export function parseBoolean(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The `PLAIN` pattern as a character scan (most numbers in the wild are written plainly, and a
 * regex test per cell was a visible cost): whether the text is a plain integer ('-12'), another
 * plain number ('1.5', '.5', '1e3'), or (null) not plain.
 */
export function plainNumberKind(text: string): 'integer' | 'number' | null {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) c = text.charCodeAt(++i); // + -
  const intStart = i;
  while (i < n && isDigit(c)) c = text.charCodeAt(++i);
  const intDigits = i - intStart;
  let kind: 'integer' | 'number' = 'integer';
  if (i < n && c === 46) {
    // '.': '1.', '1.5' and '.5' are plain, '.' alone is not.
    kind = 'number';
    c = text.charCodeAt(++i);
    const fracStart = i;
    while (i < n && isDigit(c)) c = text.charCodeAt(++i);
    if (intDigits === 0 && i === fracStart) return null;
  } else if (intDigits === 0) return null;
  if (i < n && (c === 101 || c === 69)) {
    // e E, then an optionally signed exponent of at least one digit.
    kind = 'number';
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    const expStart = i;
    while (i < n && isDigit(c)) c = text.charCodeAt(++i);
    if (i === expStart) return null;
  }
  return i === n ? kind : null;
}

/** Every non-plain number writing has a group or decimal separator; other text skips those regexes. */
function mayBeNumber(text: string): boolean {
  return text.includes(',') || text.includes('.');
}

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const PLAIN_INTEGER = /^[+-]?\d+$/;
// Grouping never starts with 0, so '0,125' can only be a decimal comma.
const COMMA_GROUPS = /^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/;
const DOT_GROUPS_ONLY = /^[+-]?[1-9]\d{0,2}(\.\d{3}){2,}$/;
const DOT_GROUPS_COMMA_DECIMAL = /^[+-]?[1-9]\d{0,2}(\.\d{3})+,\d+$/;
const COMMA_DECIMAL = /^[+-]?\d+,\d+$/;
const COMMA_ONLY_DECIMAL = /^[+-]?\d+(,\d+)?$/;
const DOT_GROUPS = /^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$/;

/**
 * Reads a number written with a decimal point, thousands separators or a decimal comma.
 *
 * With `decimalSeparator: 'auto'`:
 * - '1234', '-1.5', '1e3', '.5' read as JavaScript would.
 * - Commas between groups of three digits are thousands separators, with an optional decimal
 *   point after them: '1,234' = 1234, '12,345,678.9' = 12345678.9.
 * - Dots between groups of three digits are thousands separators when there are two or more of
 *   them or a decimal comma follows: '1.234.567' = 1234567, '1.234,5' = 1234.5. One dot alone is
 *   a decimal point: '1.234' = 1.234.
 * - One comma otherwise is a decimal comma: '1234,5' = 1234.5, '0,125' = 0.125.
 * - So the one ambiguous writing, '1,234' (a thousand or one point two?), reads as thousands
 *   (the en-US convention); pass `decimalSeparator: ','` for data written with decimal commas,
 *   or '.' to refuse them.
 * With ',' a comma is the decimal separator and dots only group thousands ('1.234,5', '1,234' =
 * 1.234); with '.' a dot is the decimal point and commas only group thousands ('1234,5' is not
 * a number). Anything else (spaces inside, currency signs, two decimal separators) is not a
 * number.
 */
export function parseNumber(
  text: string,
  decimalSeparator: ReadOptions['decimalSeparator'] = 'auto',
): number | null {
  return parseNumberText(text.trim(), decimalSeparator)?.value ?? null;
}

function parseNumberText(
  text: string,
  decimalSeparator: ReadOptions['decimalSeparator'],
): { kind: 'integer' | 'number'; value: number } | null {
  let normal: string | null = null;
  if (decimalSeparator === ',') {
    if (COMMA_ONLY_DECIMAL.test(text)) normal = text.replace(',', '.');
    else if (DOT_GROUPS.test(text)) normal = text.replaceAll('.', '').replace(',', '.');
  } else if (PLAIN.test(text)) {
    normal = text;
  } else if (COMMA_GROUPS.test(text)) {
    normal = text.replaceAll(',', '');
  } else if (decimalSeparator === 'auto') {
    if (DOT_GROUPS_ONLY.test(text) || DOT_GROUPS_COMMA_DECIMAL.test(text)) {
      normal = text.replaceAll('.', '').replace(',', '.');
    } else if (COMMA_DECIMAL.test(text)) {
      normal = text.replace(',', '.');
    }
  }
  if (normal === null) return null;
  const value = Number(normal);
  if (!Number.isFinite(value)) return null;
  return { kind: PLAIN_INTEGER.test(normal) ? 'integer' : 'number', value };
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Reads a date or date-time into epoch milliseconds, or null. Accepted writings:
 * - ISO 8601: '2010-12-01', '2010-12-01T08:26:00Z', '2010-12-01 08:26:00', with optional
 *   fractional seconds and a zone offset ('+01:00', '+0100', 'Z').
 * - 'yyyy/m/d' with an optional 'h:mm[:ss]'.
 * - 'm/d/yyyy h:mm[:ss] [AM|PM]' (US, e.g. '12/1/2010 8:26'), or day first with `dateOrder: 'dmy'`.
 * - 'd.m.yyyy [h:mm[:ss]]' (German and others, e.g. '01.12.2010'), always day first.
 * Years have four digits. Times without a zone are taken as UTC, so that a profile does not
 * depend on the time zone of the machine that computed it. Impossible dates ('2/30/2010',
 * '13/1/2010' month first) are not dates.
 */
export function parseDatetime(text: string, dateOrder: ReadOptions['dateOrder'] = 'mdy'): number | null {
  const t = text.trim();
  if (t.length === 10) {
    const ms = isoDateOnly(t);
    if (ms !== undefined) return ms;
  }
  let m = ISO.exec(t);
  if (m) {
    const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
    const ms = utc(+m[1], +m[2], +m[3], num(m[4]), num(m[5]), num(m[6]), fraction);
    if (ms === null) return null;
    return ms - zoneOffsetMs(m[8]);
  }
  m = YMD_SLASH.exec(t);
  if (m) return utc(+m[1], +m[2], +m[3], num(m[4]), num(m[5]), num(m[6]), 0);
  m = SLASH.exec(t);
  if (m) {
    let hour = num(m[4]);
    if (m[7] !== undefined) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (m[7].toLowerCase() === 'pm' ? 12 : 0);
    }
    const [month, day] = dateOrder === 'mdy' ? [+m[1], +m[2]] : [+m[2], +m[1]];
    return utc(+m[3], month, day, hour, num(m[5]), num(m[6]), 0);
  }
  m = DOTTED.exec(t);
  if (m) return utc(+m[3], +m[2], +m[1], num(m[4]), num(m[5]), num(m[6]), 0);
  return null;
}

function num(part: string | undefined): number {
  return part === undefined ? 0 : Number(part);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits[0] === '-' ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}

/** The digits text[at, at + count) as a number, or -1 when one is not a digit. */
export function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * 'yyyy-mm-dd', the commonest date writing, without the ISO regex: epoch milliseconds, null for
 * an impossible date, or undefined when the text is not written so (the regex decides then).
 */
function isoDateOnly(text: string): number | null | undefined {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  return utc(year, month, day, 0, 0, 0, 0);
}

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // The month's length as Date.UTC has always given it, which reads years 0–99 as 1900–1999.
  if (day > daysInMonth(year < 100 ? year + 1900 : year, month)) return null;
  // Arithmetic rather than Date objects (two per cell were a visible cost); it keeps years as
  // written, and truncates milliseconds as Date.UTC does.
  const time = ((hour * 60 + minute) * 60 + second) * 1000 + Math.trunc(ms);
  return daysFromCivil(year, month, day) * 86_400_000 + time;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** How many non-missing values of each kind a column holds. */
export interface KindCounts {
  integer: number;
  number: number;
  /** Boolean words (and typed booleans); 0/1 integers are counted in `binaryIntegers`. */
  boolean: number;
  datetime: number;
  string: number;
  /** Integers equal to 0 or 1, which a boolean column accepts as false and true. */
  binaryIntegers: number;
}

export function emptyKindCounts(): KindCounts {
  return { integer: 0, number: 0, boolean: 0, datetime: 0, string: 0, binaryIntegers: 0 };
}

/** How many of the counted values read as `type`: a string column accepts any value. */
export function conformingCount(kinds: KindCounts, type: ColumnType): number {
  switch (type) {
    case 'integer':
      return kinds.integer;
    case 'number':
      return kinds.integer + kinds.number;
    case 'boolean':
      return kinds.boolean + kinds.binaryIntegers;
    case 'datetime':
      return kinds.datetime;
    default:
      return kinds.integer + kinds.number + kinds.boolean + kinds.datetime + kinds.string;
  }
}

/**
 * The value kind of a column: the one kind (integer and number counting together as number)
 * that all but `tolerance` of the non-missing values read as. A few stray values ('unknown' in a
 * price column) should not turn a numeric column into text; they are counted as invalid instead.
 * Boolean needs at least one boolean word, so that a 0/1 column stays integer. Columns with no
 * dominant kind, and empty columns, are 'string'.
 */
export function dominantKind(kinds: KindCounts, tolerance = 0.01): ValueKind {
  const nonMissing = kinds.integer + kinds.number + kinds.boolean + kinds.datetime + kinds.string;
  if (nonMissing === 0) return 'string';
  const enough = (n: number) => n > 0 && n >= (1 - tolerance) * nonMissing;
  if (enough(kinds.integer)) return kinds.number === 0 ? 'integer' : 'number';
  if (enough(kinds.integer + kinds.number)) return 'number';
  if (kinds.boolean > 0 && enough(kinds.boolean + kinds.binaryIntegers)) return 'boolean';
  if (enough(kinds.datetime)) return 'datetime';
  return 'string';
}

/**
 * A cell read as a column of `type`, or undefined when it does not read as one (null when it
 * is missing). Numbers for integer/number, booleans (accepting 0 and 1), epoch milliseconds
 * for datetime, the trimmed text (`valueKey`) for category, text and identifier columns.
 */
export function readAs(
  value: Value,
  type: ColumnType,
  options: ReadOptions = DEFAULT_READ_OPTIONS,
): number | boolean | string | null | undefined {
  const read = readValue(value, options);
  if (read.kind === 'missing') return null;
  switch (type) {
    case 'integer':
      return read.kind === 'integer' ? read.value : undefined;
    case 'number':
      return read.kind === 'integer' || read.kind === 'number' ? read.value : undefined;
    case 'boolean':
      if (read.kind === 'boolean') return read.value;
      if (read.kind === 'integer' && (read.value === 0 || read.value === 1)) return read.value === 1;
      return undefined;
    case 'datetime':
      return read.kind === 'datetime' ? read.value : undefined;
    default:
      return valueKey(value);
  }
}
