import { ValueError } from '../tensor/errors.js';
import {
  CellReader,
  type ColumnType,
  conformingCount,
  dominantKind,
  emptyKindCounts,
  type KindCounts,
  type ReadOptions,
  readOptions,
} from './infer-type.js';
import {
  histogramCounts,
  murmur3,
  quantileSketch,
  quantileSorted,
  Reservoir,
  RunningStats,
  type ValueCount,
  ValueCounter,
} from './sketch.js';
import { Table, type Value } from './table.js';

/**
 * A profile of a table, as TFX's StatisticsGen computes one: per column, the inferred type and
 * the statistics that schema inference, validation and the HTML report read. Plain JSON; field
 * names are part of the API (bump `version` if one changes meaning).
 */
export interface Profile {
  version: 1;
  rows: number;
  columns: ColumnProfile[];
  /** How cells were read; a schema inferred from this profile reads new data the same way. */
  read: ReadOptions;
  settings: ProfileSettings;
}

export interface ProfileSettings {
  /** Capacity of each numeric column's reservoir sample. */
  sampleSize: number;
  /** Distinct values counted exactly per column before switching to HyperLogLog. */
  exactDistinctLimit: number;
  seed: number;
  /** Share of non-missing values that may fail to read as a column's kind (see `dominantKind`). */
  typeTolerance: number;
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** True when `type` was given (options.types or a schema), not inferred. */
  declared: boolean;
  /** Rows, missing values included. */
  count: number;
  missing: number;
  /** missing / count (0 for an empty table). */
  missingRate: number;
  /** Distinct non-missing values, as written (trimmed): exact, or an estimate when `distinctApproximate`. */
  distinct: number;
  distinctApproximate: boolean;
  /** How the non-missing values read. */
  kinds: KindCounts;
  /** Non-missing values that do not read as `type` (a stray 'unknown' in a number column). */
  invalid: number;
  /** number and integer columns: statistics of the values that read as numbers. */
  numeric?: NumericProfile;
  /** datetime columns: the range, as ISO 8601 strings (UTC). */
  datetime?: { min: string; max: string };
  /** boolean columns: values read as true and false (1 and 0 included). */
  booleans?: { true: number; false: number };
  /** category, text and identifier columns: lengths of the values as written (trimmed). */
  textLength?: { min: number; max: number; mean: number; std: number };
  /** category, text, identifier and boolean columns: the most frequent values, most frequent first. */
  top?: ValueCount[];
  /** True when `top` counts come from the Space-Saving sketch (upper bounds), not exact counts. */
  topApproximate?: boolean;
  /**
   * category columns (while distinct values are counted exactly) and boolean columns ('true' and
   * 'false'): every value with its count, most frequent first. Schemas keep these for drift.
   */
  frequencies?: ValueCount[];
}

export interface NumericProfile {
  /** Values that read as numbers. */
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1), by Welford's method over every value. */
  std: number;
  zeros: number;
  negatives: number;
  /** From the reservoir sample, interpolated linearly (exact when `exact`). */
  quantiles: { p1: number; p5: number; p25: number; p50: number; p75: number; p95: number; p99: number };
  /** Equal-width bins over [min, max] of the sample; the last bin includes max. Counts are sample counts. */
  histogram: { min: number; max: number; counts: number[] };
  /** Size of the reservoir sample the quantiles, histogram and sketch come from. */
  sampleSize: number;
  /** True when the sample holds every value, so quantiles and histogram are exact. */
  exact: boolean;
  /** At most `sketchSize` values standing for the distribution (see `quantileSketch`), for drift tests. */
  sketch: number[];
}

export interface ProfileOptions extends Partial<ReadOptions> {
  /** Declared column types; others are inferred. Values that do not read as the type count as invalid. */
  types?: Readonly<Record<string, ColumnType>>;
  /** Reservoir capacity per numeric column (default 100,000). */
  sampleSize?: number;
  /** Distinct values counted exactly per column (default 100,000). */
  exactDistinctLimit?: number;
  /** Seed of the reservoir samples (default 0), so that a profile is reproducible. */
  seed?: number;
  /** Default 0.01: see `dominantKind`. */
  typeTolerance?: number;
  /** How many top values to report (default 10). */
  topK?: number;
  /** Values in a numeric sketch (default 1,000). */
  sketchSize?: number;
  /** Histogram bins (default 20). */
  bins?: number;
}

/** Distinct values up to which a string column is always a category (if not text or an identifier). */
const CATEGORY_MIN_DISTINCT = 20;
/** ...and the share of non-missing values its distinct count may reach beyond that. */
const CATEGORY_MAX_SHARE = 0.05;
/** A string column with at least this share of distinct values is an identifier. */
const IDENTIFIER_DISTINCT_SHARE = 0.95;
/** Text: values that average at least this many characters and mostly contain whitespace. */
const TEXT_MIN_MEAN_LENGTH = 20;
const ID_NAME_TOKENS = new Set(['id', 'ids', 'code', 'key', 'uuid', 'guid', 'no', 'nr', 'sku']);

/**
 * Profiles a table chunk by chunk in bounded memory: what `profileTable` and `validate` use,
 * and what a reader can feed as it streams.
 */
export class Profiler {
  readonly #options: Required<Omit<ProfileOptions, keyof ReadOptions | 'types'>>;
  readonly #read: ReadOptions;
  readonly #types: Readonly<Record<string, ColumnType>>;
  #names: readonly string[] | null = null;
  #columns: ColumnAccumulator[] = [];
  #rows = 0;
  #chunks = 0;

  constructor(options: ProfileOptions = {}) {
    this.#read = readOptions(options);
    this.#types = options.types ?? {};
    this.#options = {
      sampleSize: positiveInteger('sampleSize', options.sampleSize ?? 100_000),
      exactDistinctLimit: positiveInteger('exactDistinctLimit', options.exactDistinctLimit ?? 100_000),
      seed: options.seed ?? 0,
      typeTolerance: options.typeTolerance ?? 0.01,
      topK: positiveInteger('topK', options.topK ?? 10),
      sketchSize: positiveInteger('sketchSize', options.sketchSize ?? 1_000),
      bins: positiveInteger('bins', options.bins ?? 20),
    };
  }

  add(table: Table): void {
    this.#chunks++;
    if (this.#names === null) {
      this.#names = table.columnNames;
      this.#columns = table.columnNames.map(
        (name) =>
          new ColumnAccumulator(
            name,
            new Reservoir(this.#options.sampleSize, (this.#options.seed ^ murmur3(name)) >>> 0),
            new ValueCounter(this.#options.exactDistinctLimit),
          ),
      );
    } else if (!sameNames(this.#names, table.columnNames)) {
      throw new ValueError(
        `profile: chunk ${this.#chunks} has columns [${table.columnNames.join(', ')}], ` +
          `expected [${this.#names.join(', ')}] like the first chunk`,
      );
    }
    for (const column of this.#columns) column.add(table.column(column.name), this.#read);
    this.#rows += table.numRows;
  }

  finish(): Profile {
    const { sampleSize, exactDistinctLimit, seed, typeTolerance } = this.#options;
    return {
      version: 1,
      rows: this.#rows,
      columns: this.#columns.map((c) => c.finish(this.#types[c.name], this.#options)),
      read: this.#read,
      settings: { sampleSize, exactDistinctLimit, seed, typeTolerance },
    };
  }

  /** The sorted reservoir sample of a column's numbers (every number while they fit). */
  sample(name: string): Float64Array {
    const column = this.#columns.find((c) => c.name === name);
    if (column === undefined) throw new ValueError(`profile: no column '${name}' was profiled`);
    return column.reservoir.sorted();
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(`profile: ${name} is ${JSON.stringify(value)}, expected a positive integer`);
  }
  return value;
}

/** The running summaries of one column; every kind is tracked because the type is known only at the end. */
class ColumnAccumulator {
  count = 0;
  missing = 0;
  readonly kinds = emptyKindCounts();
  readonly numbers = new RunningStats();
  zeros = 0;
  negatives = 0;
  dateMin = Number.POSITIVE_INFINITY;
  dateMax = Number.NEGATIVE_INFINITY;
  readonly lengths = new RunningStats();
  withWhitespace = 0;
  trues = 0;
  falses = 0;
  readonly #cell = new CellReader();

  constructor(
    readonly name: string,
    readonly reservoir: Reservoir,
    readonly values: ValueCounter,
  ) {}

  add(values: readonly Value[], read: ReadOptions): void {
    const cell = this.#cell;
    for (let i = 0; i < values.length; i++) {
      cell.read(values[i], read);
      this.count++;
      if (cell.kind === 'missing') {
        this.missing++;
        continue;
      }
      const key = cell.key;
      this.values.add(key);
      this.lengths.add(key.length);
      if (hasWhitespace(key)) this.withWhitespace++;
      switch (cell.kind) {
        case 'integer':
        case 'number':
          this.#addNumber(cell.kind, cell.number);
          break;
        case 'boolean':
          this.kinds.boolean++;
          if (cell.boolean) this.trues++;
          else this.falses++;
          break;
        case 'datetime':
          this.kinds.datetime++;
          if (cell.number < this.dateMin) this.dateMin = cell.number;
          if (cell.number > this.dateMax) this.dateMax = cell.number;
          break;
        case 'string':
          this.kinds.string++;
          break;
      }
    }
  }

  #addNumber(kind: 'integer' | 'number', value: number): void {
    this.kinds[kind]++;
    this.numbers.add(value);
    this.reservoir.add(value);
    if (value === 0) this.zeros++;
    if (value < 0) this.negatives++;
    if (kind === 'integer' && (value === 0 || value === 1)) {
      this.kinds.binaryIntegers++;
      if (value === 1) this.trues++;
      else this.falses++;
    }
  }

  finish(declared: ColumnType | undefined, options: FinishOptions): ColumnProfile {
    const type = declared ?? this.#inferType(options.typeTolerance);
    const nonMissing = this.count - this.missing;
    const profile: ColumnProfile = {
      name: this.name,
      type,
      declared: declared !== undefined,
      count: this.count,
      missing: this.missing,
      missingRate: this.count === 0 ? 0 : this.missing / this.count,
      distinct: this.values.distinct,
      distinctApproximate: this.values.approximate,
      kinds: { ...this.kinds },
      invalid: nonMissing - conformingCount(this.kinds, type),
    };
    if ((type === 'number' || type === 'integer') && this.numbers.count > 0) {
      profile.numeric = this.#numeric(options);
    } else if (type === 'datetime' && this.kinds.datetime > 0) {
      profile.datetime = {
        min: new Date(this.dateMin).toISOString(),
        max: new Date(this.dateMax).toISOString(),
      };
    } else if (type === 'boolean') {
      profile.booleans = { true: this.trues, false: this.falses };
      profile.frequencies = [
        { value: 'true', count: this.trues },
        { value: 'false', count: this.falses },
      ].sort((a, b) => b.count - a.count);
    }
    if (type === 'category' || type === 'text' || type === 'identifier' || type === 'boolean') {
      profile.top = this.values.top(options.topK);
      profile.topApproximate = this.values.approximate;
    }
    if ((type === 'category' || type === 'text' || type === 'identifier') && this.lengths.count > 0) {
      const { min, max, mean, std } = this.lengths;
      profile.textLength = { min, max, mean, std };
    }
    if (type === 'category') {
      const counts = this.values.counts();
      if (counts !== null) profile.frequencies = counts;
    }
    return profile;
  }

  /**
   * The column-level rules, after the value kind (`dominantKind`):
   * - integer columns named like an id ('CustomerID', 'customer_id', 'StockCode', 'InvoiceNo':
   *   a word id, code, key, uuid, guid, no, nr or sku) with more than 20 distinct values are
   *   identifiers; other numeric, boolean and datetime columns keep their kind.
   * - string columns: text when the values average ≥ 20 characters, most contain whitespace and
   *   there are more than 20 distinct; else an identifier when ≥ 95% of ≥ 20 values are distinct,
   *   or named like an id with more than 20 distinct; else a category when distinct ≤
   *   max(20, 5% of non-missing values); else text. An all-missing column is text, the type that
   *   accepts anything.
   */
  #inferType(tolerance: number): ColumnType {
    const kind = dominantKind(this.kinds, tolerance);
    const distinct = this.values.distinct;
    const idName = looksLikeIdName(this.name) && distinct > CATEGORY_MIN_DISTINCT;
    if (kind === 'integer') return idName ? 'identifier' : 'integer';
    if (kind !== 'string') return kind;
    const nonMissing = this.count - this.missing;
    if (nonMissing === 0) return 'text';
    const textLike =
      this.lengths.mean >= TEXT_MIN_MEAN_LENGTH &&
      this.withWhitespace >= 0.5 * nonMissing &&
      distinct > CATEGORY_MIN_DISTINCT;
    if (textLike) return 'text';
    const nearlyUnique =
      nonMissing >= CATEGORY_MIN_DISTINCT && distinct >= IDENTIFIER_DISTINCT_SHARE * nonMissing;
    if (nearlyUnique || idName) return 'identifier';
    if (distinct <= Math.max(CATEGORY_MIN_DISTINCT, CATEGORY_MAX_SHARE * nonMissing)) return 'category';
    return 'text';
  }

  #numeric(options: FinishOptions): NumericProfile {
    const sorted = this.reservoir.sorted();
    const q = (p: number) => quantileSorted(sorted, p);
    const { count, min, max, mean, std } = this.numbers;
    return {
      count,
      min,
      max,
      mean,
      std,
      zeros: this.zeros,
      negatives: this.negatives,
      quantiles: {
        p1: q(0.01),
        p5: q(0.05),
        p25: q(0.25),
        p50: q(0.5),
        p75: q(0.75),
        p95: q(0.95),
        p99: q(0.99),
      },
      histogram: { min, max, counts: histogramCounts(sorted, min, max, options.bins) },
      sampleSize: sorted.length,
      exact: this.reservoir.exact,
      sketch: quantileSketch(sorted, options.sketchSize),
    };
  }
}

interface FinishOptions {
  typeTolerance: number;
  topK: number;
  sketchSize: number;
  bins: number;
}

/** `/\s/.test(text)`, scanning ASCII text without the regex (non-ASCII text still uses it). */
function hasWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) return true;
    if (c > 127) return /\s/.test(text);
  }
  return false;
}

/** Whether a column name has a word that marks identifiers: 'CustomerID', 'order_id', 'StockCode'. */
export function looksLikeIdName(name: string): boolean {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  return words.some((w) => ID_NAME_TOKENS.has(w.toLowerCase()));
}

/** Profiles a table in one call. */
export function profile(table: Table, options: ProfileOptions = {}): Profile {
  const profiler = new Profiler(options);
  profiler.add(table);
  return profiler.finish();
}

/**
 * Profiles a table, or a stream of chunks of one (all with the same columns) in memory bounded
 * per column, so that a file larger than memory can be profiled as a reader streams it. The
 * result does not depend on how the rows are split into chunks.
 */
export async function profileTable(
  input: Table | Iterable<Table> | AsyncIterable<Table>,
  options: ProfileOptions = {},
): Promise<Profile> {
  const profiler = new Profiler(options);
  await forEachChunk(input, (chunk) => profiler.add(chunk));
  return profiler.finish();
}

/** Calls `f` on a table, or on each chunk of a sync or async stream of tables. */
export async function forEachChunk(
  input: Table | Iterable<Table> | AsyncIterable<Table>,
  f: (chunk: Table) => void,
): Promise<void> {
  if (input instanceof Table) {
    f(input);
  } else if (Symbol.asyncIterator in input) {
    for await (const chunk of input) f(chunk);
  } else {
    for (const chunk of input) f(chunk);
  }
}

/**
 * A fixed-width table, one row per column: name, type, missing %, distinct, min, mean, and max
 * (numbers and dates) or the top value with its count (strings and booleans).
 */
export function formatProfile(p: Profile): string {
  const header = ['column', 'type', 'missing', 'distinct', 'min', 'mean', 'max / top value'];
  const rows = p.columns.map((c) => [
    c.name,
    c.type,
    `${(c.missingRate * 100).toFixed(1)}%`,
    `${c.distinctApproximate ? '≈' : ''}${formatNumber(c.distinct)}`,
    ...summaryCells(c),
  ]);
  const widths = header.map((h, i) =>
    Math.min(i === 6 ? 40 : 24, Math.max(h.length, ...rows.map((r) => r[i].length))),
  );
  const right = new Set([2, 3, 4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const text = truncate(cell, widths[i]);
        return right.has(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  const title = `Profile: ${formatNumber(p.rows)} rows, ${p.columns.length} columns`;
  return [title, line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function summaryCells(c: ColumnProfile): [string, string, string] {
  if (c.numeric)
    return [formatNumber(c.numeric.min), formatNumber(c.numeric.mean), formatNumber(c.numeric.max)];
  if (c.datetime) return [formatDate(c.datetime.min), '', formatDate(c.datetime.max)];
  const top = c.top?.[0];
  if (top === undefined) return ['', '', ''];
  return [
    '',
    '',
    `${top.value === '' ? "''" : top.value} (${c.topApproximate ? '≈' : ''}${formatNumber(top.count)})`,
  ];
}

/** Integers in full with thousands separators; other numbers to two decimals or six significant digits. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return x.toLocaleString('en-US');
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  if (Math.abs(x) >= 1e3) return x.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return x.toLocaleString('en-US', { maximumSignificantDigits: 6 });
}

function formatDate(iso: string): string {
  return iso.replace('T00:00:00.000Z', '').replace('.000Z', '').replace('T', ' ').replace('Z', '');
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
