import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ValueError } from '../tensor/errors.js';
import { COLUMN_TYPES, type ColumnType, type ReadOptions } from './infer-type.js';
import type { ColumnProfile, Profile } from './profile.js';
import type { ValueCount } from './sketch.js';

/**
 * What data is expected to look like, as TFX's SchemaGen infers one from training statistics:
 * per column a type, how much may be missing, a domain, and the training distribution that
 * drift is measured against. Plain JSON, saved next to a model so that serving data can be
 * checked against what the model was trained on.
 */
export interface Schema {
  format: 'deepline-schema';
  version: 1;
  /** Rows of the data the schema was inferred from. */
  rows: number;
  /** How cells are read (sentinels, decimal separator, date order), as when profiling. */
  read: ReadOptions;
  columns: ColumnSchema[];
}

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  /** True when the training data had no missing value in this column: any missing value is an error. */
  required: boolean;
  /** The missing rate seen in training. */
  maxMissingRate: number;
  /** Share of non-missing training values that did not read as `type` (tolerated strays). */
  invalidRate: number;
  domain?: NumericDomain | CategoryDomain | DatetimeDomain;
  distribution?: CategoricalDistribution | NumericDistribution;
}

/** Allowed numbers: the training range, widened by the slack (integers rounded outward). */
export interface NumericDomain {
  kind: 'numeric';
  min: number;
  max: number;
}

/** Allowed values of a category column, as written (trimmed). */
export interface CategoryDomain {
  kind: 'category';
  values: string[];
}

/** The training range of a datetime column, ISO 8601 (UTC); checked only when asked. */
export interface DatetimeDomain {
  kind: 'datetime';
  min: string;
  max: string;
}

/** Counts of each value in training (category and boolean columns), for the PSI. */
export interface CategoricalDistribution {
  kind: 'categorical';
  count: number;
  frequencies: ValueCount[];
}

/** Sorted values standing for the training distribution (see `quantileSketch`), for the KS test. */
export interface NumericDistribution {
  kind: 'numeric';
  count: number;
  sketch: number[];
}

export interface InferSchemaOptions {
  /**
   * Widens numeric domains by this fraction of the training range on each side (default 0:
   * the range seen). 0.1 on [0, 100] allows [−10, 110].
   */
  slack?: number;
}

/**
 * Infers a schema from a profile. Declare types when profiling (`types`) for columns whose
 * inferred type is not the intended one; the schema takes the profile's types as they are.
 * Category domains need exact value counts, so a category column with more distinct values than
 * the profile's exact limit gets no domain.
 */
export function inferSchema(profile: Profile, options: InferSchemaOptions = {}): Schema {
  const slack = options.slack ?? 0;
  if (!(slack >= 0)) throw new ValueError(`inferSchema: slack is ${slack}, expected a number ≥ 0`);
  return {
    format: 'deepline-schema',
    version: 1,
    rows: profile.rows,
    read: { ...profile.read, sentinels: [...profile.read.sentinels] },
    columns: profile.columns.map((c) => columnSchema(c, slack)),
  };
}

function columnSchema(c: ColumnProfile, slack: number): ColumnSchema {
  const nonMissing = c.count - c.missing;
  const column: ColumnSchema = {
    name: c.name,
    type: c.type,
    required: c.missing === 0,
    maxMissingRate: c.missingRate,
    invalidRate: nonMissing === 0 ? 0 : c.invalid / nonMissing,
  };
  if (c.numeric) {
    const widen = slack * (c.numeric.max - c.numeric.min);
    const round = c.type === 'integer';
    column.domain = {
      kind: 'numeric',
      min: round ? Math.floor(c.numeric.min - widen) : c.numeric.min - widen,
      max: round ? Math.ceil(c.numeric.max + widen) : c.numeric.max + widen,
    };
    column.distribution = { kind: 'numeric', count: c.numeric.count, sketch: [...c.numeric.sketch] };
  } else if (c.datetime) {
    column.domain = { kind: 'datetime', ...c.datetime };
  }
  if (c.frequencies && (c.type === 'category' || c.type === 'boolean')) {
    if (c.type === 'category')
      column.domain = { kind: 'category', values: c.frequencies.map((f) => f.value) };
    column.distribution = {
      kind: 'categorical',
      count: c.frequencies.reduce((s, f) => s + f.count, 0),
      frequencies: c.frequencies.map((f) => ({ ...f })),
    };
  }
  return column;
}

/** The schema's column types, to pass as a profile's `types` so that it reads columns as the schema does. */
export function schemaTypes(schema: Schema): Record<string, ColumnType> {
  return Object.fromEntries(schema.columns.map((c) => [c.name, c.type]));
}

/** Writes the schema as indented JSON, creating the folder. */
export async function saveSchema(schema: Schema, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(schema, null, 2)}\n`);
}

/** Reads a schema saved by `saveSchema`; a file that is not one is an error naming the file and field. */
export async function loadSchema(path: string): Promise<Schema> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`loadSchema: ${path} is not valid JSON (${(e as Error).message})`);
  }
  return parseSchema(json, path);
}

/** Checks that `json` is a schema and returns it typed; `source` names it in errors. */
export function parseSchema(json: unknown, source = 'schema'): Schema {
  const check = new Checker(source);
  const root = check.object(json, '');
  if (root.format !== 'deepline-schema') check.fail('format', root.format, "'deepline-schema'");
  if (root.version !== 1) {
    check.fail(
      'version',
      root.version,
      typeof root.version === 'number' && root.version > 1
        ? '1 (the file was written by a newer Deepline; upgrade to read it)'
        : '1',
    );
  }
  check.count(root.rows, 'rows');
  const read = check.object(root.read, 'read');
  check.array(read.sentinels, 'read.sentinels').forEach((s, i) => {
    check.string(s, `read.sentinels[${i}]`);
  });
  check.oneOf(read.decimalSeparator, 'read.decimalSeparator', ['auto', '.', ',']);
  check.oneOf(read.dateOrder, 'read.dateOrder', ['mdy', 'dmy']);
  const names = new Set<string>();
  check.array(root.columns, 'columns').forEach((raw, i) => {
    const at = `columns[${i}]`;
    const c = check.object(raw, at);
    const name = check.string(c.name, `${at}.name`);
    if (names.has(name)) check.fail(`${at}.name`, name, 'a name not used by an earlier column');
    names.add(name);
    check.oneOf(c.type, `${at}.type`, COLUMN_TYPES);
    check.boolean(c.required, `${at}.required`);
    check.rate(c.maxMissingRate, `${at}.maxMissingRate`);
    check.rate(c.invalidRate, `${at}.invalidRate`);
    if (c.domain !== undefined) checkDomain(check, c.domain, `${at}.domain`);
    if (c.distribution !== undefined) checkDistribution(check, c.distribution, `${at}.distribution`);
  });
  return json as Schema;
}

function checkDomain(check: Checker, raw: unknown, at: string): void {
  const domain = check.object(raw, at);
  const kind = check.oneOf(domain.kind, `${at}.kind`, ['numeric', 'category', 'datetime']);
  if (kind === 'numeric') {
    const min = check.finite(domain.min, `${at}.min`);
    const max = check.finite(domain.max, `${at}.max`);
    if (min > max) check.fail(`${at}.max`, max, `a number ≥ min (${min})`);
  } else if (kind === 'category') {
    check.array(domain.values, `${at}.values`).forEach((v, i) => {
      check.string(v, `${at}.values[${i}]`);
    });
  } else {
    for (const end of ['min', 'max'] as const) {
      const text = check.string(domain[end], `${at}.${end}`);
      if (Number.isNaN(Date.parse(text))) check.fail(`${at}.${end}`, text, 'an ISO 8601 date-time');
    }
  }
}

function checkDistribution(check: Checker, raw: unknown, at: string): void {
  const distribution = check.object(raw, at);
  const kind = check.oneOf(distribution.kind, `${at}.kind`, ['categorical', 'numeric']);
  check.count(distribution.count, `${at}.count`);
  if (kind === 'categorical') {
    check.array(distribution.frequencies, `${at}.frequencies`).forEach((f, i) => {
      const entry = check.object(f, `${at}.frequencies[${i}]`);
      check.string(entry.value, `${at}.frequencies[${i}].value`);
      check.count(entry.count, `${at}.frequencies[${i}].count`);
    });
  } else {
    const sketch = check.array(distribution.sketch, `${at}.sketch`);
    sketch.forEach((v, i) => {
      check.finite(v, `${at}.sketch[${i}]`);
      if (i > 0 && (v as number) < (sketch[i - 1] as number)) {
        check.fail(
          `${at}.sketch[${i}]`,
          v,
          `a number ≥ the one before (${sketch[i - 1]}); the sketch is sorted`,
        );
      }
    });
  }
}

/** Type checks for a parsed file, each failing with the field's path and what was expected. */
class Checker {
  constructor(readonly source: string) {}

  fail(path: string, got: unknown, expected: string): never {
    const shown = got === undefined ? 'missing' : `${truncate(JSON.stringify(got))}`;
    throw new ValueError(
      `loadSchema: ${this.source}: ${path || 'the file'} is ${shown}, expected ${expected}; ` +
        'was the file written by saveSchema and left unedited?',
    );
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(path, value, 'an object');
    return value as Record<string, unknown>;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, value, 'an array');
    return value as unknown[];
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, value, 'a string');
    return value as string;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, value, 'true or false');
    return value as boolean;
  }

  finite(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, value, 'a finite number');
    return value as number;
  }

  count(value: unknown, path: string): number {
    if (!Number.isInteger(value) || (value as number) < 0) this.fail(path, value, 'an integer ≥ 0');
    return value as number;
  }

  rate(value: unknown, path: string): number {
    const rate = this.finite(value, path);
    if (rate < 0 || rate > 1) this.fail(path, value, 'a rate between 0 and 1');
    return rate;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (!allowed.includes(value as T))
      this.fail(path, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return value as T;
  }
}

function truncate(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}
