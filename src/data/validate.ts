import { type KsResult, ksCriticalValue, ksTest, PSI_EPSILON, populationStabilityIndex } from './drift.js';
import { type ColumnType, conformingCount, type ReadOptions, readAs } from './infer-type.js';
import { type ColumnProfile, forEachChunk, formatNumber, type Profile, Profiler } from './profile.js';
import type { ColumnSchema, Schema } from './schema.js';
import type { ValueCount } from './sketch.js';
import type { Origin, Table, Value } from './table.js';

export type AnomalyKind =
  | 'missingColumn'
  | 'unexpectedColumn'
  | 'wrongType'
  | 'outOfDomain'
  | 'unseenCategory'
  | 'missingRateJump'
  | 'drift';

export type Severity = 'error' | 'warning';

/** A value that triggered an anomaly, with the row it came from when a table was validated. */
export interface AnomalyExample {
  value: string | number | boolean;
  origin?: Origin;
}

/** What each kind of anomaly reports, for programs that act on them. */
export interface AnomalyDetails {
  missingColumn: { expectedType: ColumnType };
  unexpectedColumn: { inferredType: ColumnType };
  wrongType: {
    expectedType: ColumnType;
    /** Non-missing values that do not read as the expected type. */
    invalid: number;
    nonMissing: number;
    share: number;
    /** The share tolerated: the schema's invalidRate plus options.typeThreshold. */
    threshold: number;
    examples: AnomalyExample[];
  };
  outOfDomain: {
    min: number | string;
    max: number | string;
    below: number;
    above: number;
    /** Share of the values that read as the column's type. */
    share: number;
    /** True when the counts are estimated from a profile's sample rather than counted. */
    approximate: boolean;
    examples: AnomalyExample[];
  };
  unseenCategory: {
    /** Values not in the domain, and how many distinct ones. */
    count: number;
    distinct: number;
    share: number;
    approximate: boolean;
    examples: AnomalyExample[];
  };
  missingRateJump: {
    rate: number;
    missing: number;
    /** The schema's maxMissingRate. */
    expectedMax: number;
    required: boolean;
    /** Allowed increase over expectedMax (0 for a required column). */
    threshold: number;
  };
  drift:
    | { test: 'psi'; psi: number; threshold: number; epsilon: number }
    | {
        test: 'ks';
        statistic: number;
        pValue: number;
        n1: number;
        n2: number;
        /** The D that counts as drift: the fixed threshold, or the critical value at alpha. */
        threshold: number;
        alpha: number | null;
      };
}

/** One finding: machine-readable kind and details, and a sentence for people. */
export type Anomaly = {
  [K in AnomalyKind]: {
    column: string | null;
    kind: K;
    severity: Severity;
    description: string;
    details: AnomalyDetails[K];
  };
}[AnomalyKind];

export interface ValidationResult {
  /** No anomaly of severity 'error'. */
  ok: boolean;
  rows: number;
  anomalies: Anomaly[];
  /** The profile of the validated data, read with the schema's types. */
  profile: Profile;
}

export interface ValidateOptions {
  /** Allowed rise of the missing rate over the schema's, in absolute terms (default 0.05). */
  missingRateThreshold?: number;
  /** Allowed rise of the share of values not reading as the schema type over training's (default 0.01). */
  typeThreshold?: number;
  /** PSI above which a category or boolean column has drifted (default 0.2). */
  psiThreshold?: number;
  /** Proportion given to a value absent on one side of the PSI (default `PSI_EPSILON`, 1e-4). */
  psiEpsilon?: number;
  /** KS significance level: drift when the p-value is below it (default 0.05). */
  ksAlpha?: number;
  /** A fixed KS statistic D above which a number column has drifted; replaces ksAlpha when set. */
  ksThreshold?: number;
  /** Measure distribution drift (default true). */
  drift?: boolean;
  /**
   * Check datetimes against the training range (default false: data newer than the training
   * data is the normal case for a deployed model).
   */
  datetimeRange?: boolean;
  /** Examples kept per anomaly (default 5). */
  maxExamples?: number;
  /** Severity per kind, replacing the defaults (see `validate`). */
  severity?: Partial<Record<AnomalyKind, Severity>>;
  /** Seed of the profile's samples (default 0). */
  seed?: number;
}

const DEFAULT_SEVERITY: Record<AnomalyKind, Severity> = {
  missingColumn: 'error',
  unexpectedColumn: 'warning',
  wrongType: 'error',
  outOfDomain: 'warning',
  unseenCategory: 'warning',
  missingRateJump: 'warning',
  drift: 'warning',
};

/**
 * Checks data against a schema, as TFX's ExampleValidator does. The data is a table, a stream of
 * chunks (checked in bounded memory), or a profile (then counts beyond the profile's sample are
 * estimates and no row origins are given; profile with `types: schemaTypes(schema)` for exact
 * category checks).
 *
 * Checks, with their default severity: a schema column missing from the data (error); a column
 * not in the schema (warning); values not reading as the schema type above the tolerated share
 * (error); numbers outside the numeric domain (warning); categories not in the domain (warning);
 * the missing rate rising more than `missingRateThreshold` over training's (warning), or any
 * missing value in a required column (error); drift (warning) by PSI for category and boolean
 * columns and the two-sample KS test for number and integer columns against the schema's sketch.
 * Identifier and text columns are checked for presence, type and missing values only.
 */
export async function validate(
  input: Table | Iterable<Table> | AsyncIterable<Table> | Profile,
  schema: Schema,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const settings = resolve(options);
  if (isProfile(input)) {
    return compare(input, schema, settings, null);
  }
  const profiler = new Profiler({
    ...schema.read,
    types: Object.fromEntries(schema.columns.map((c) => [c.name, c.type])),
    seed: settings.seed,
  });
  let scanner: Scanner | null = null;
  await forEachChunk(input, (chunk) => {
    profiler.add(chunk);
    scanner ??= new Scanner(schema, chunk.columnNames, settings);
    scanner.add(chunk);
  });
  const profile = profiler.finish();
  return compare(profile, schema, settings, { scanner, samples: (name) => profiler.sample(name) });
}

function isProfile(input: unknown): input is Profile {
  const p = input as Partial<Profile>;
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof p.rows === 'number' &&
    Array.isArray(p.columns) &&
    'read' in p
  );
}

type Settings = Required<Omit<ValidateOptions, 'ksThreshold' | 'severity'>> & {
  ksThreshold: number | undefined;
  severity: Record<AnomalyKind, Severity>;
  /** A missing value in a required column is an error unless options.severity says otherwise. */
  requiredMissingSeverity: Severity;
};

function resolve(options: ValidateOptions): Settings {
  return {
    missingRateThreshold: options.missingRateThreshold ?? 0.05,
    typeThreshold: options.typeThreshold ?? 0.01,
    psiThreshold: options.psiThreshold ?? 0.2,
    psiEpsilon: options.psiEpsilon ?? PSI_EPSILON,
    ksAlpha: options.ksAlpha ?? 0.05,
    ksThreshold: options.ksThreshold,
    drift: options.drift ?? true,
    datetimeRange: options.datetimeRange ?? false,
    maxExamples: options.maxExamples ?? 5,
    severity: { ...DEFAULT_SEVERITY, ...options.severity },
    requiredMissingSeverity: options.severity?.missingRateJump ?? 'error',
    seed: options.seed ?? 0,
  };
}

/** What only a pass over the rows can tell: exact counts of bad values, with examples and origins. */
class Scanner {
  readonly columns: Map<string, ColumnScan>;

  constructor(schema: Schema, names: readonly string[], settings: Settings) {
    const present = new Set(names);
    this.columns = new Map(
      schema.columns
        .filter((c) => present.has(c.name))
        .map((c) => [c.name, new ColumnScan(c, schema.read, settings)]),
    );
  }

  add(chunk: Table): void {
    for (const [name, scan] of this.columns) scan.add(chunk.column(name), chunk.origins);
  }
}

/** Distinct unseen categories remembered, to report how many there are without unbounded memory. */
const UNSEEN_DISTINCT_LIMIT = 10_000;

class ColumnScan {
  invalidExamples: AnomalyExample[] = [];
  below = 0;
  above = 0;
  inType = 0;
  domainExamples: AnomalyExample[] = [];
  unseen = 0;
  readonly unseenValues = new Set<string>();
  unseenExamples: AnomalyExample[] = [];
  readonly #categories: ReadonlySet<string> | null;
  readonly #range: { min: number; max: number } | null;

  constructor(
    readonly column: ColumnSchema,
    readonly read: ReadOptions,
    readonly settings: Settings,
  ) {
    const domain = column.domain;
    this.#categories = domain?.kind === 'category' ? new Set(domain.values) : null;
    if (domain?.kind === 'numeric') this.#range = domain;
    else if (domain?.kind === 'datetime' && settings.datetimeRange) {
      this.#range = { min: Date.parse(domain.min), max: Date.parse(domain.max) };
    } else this.#range = null;
  }

  add(values: readonly Value[], origins: readonly Origin[]): void {
    const limit = this.settings.maxExamples;
    const example = (list: AnomalyExample[], value: Value, i: number) => {
      if (list.length < limit) list.push({ value: exampleValue(value), origin: origins[i] });
    };
    for (let i = 0; i < values.length; i++) {
      const read = readAs(values[i], this.column.type, this.read);
      if (read === null) continue;
      if (read === undefined) {
        example(this.invalidExamples, values[i], i);
        continue;
      }
      this.inType++;
      if (this.#range !== null && typeof read === 'number') {
        if (read < this.#range.min) this.below++;
        else if (read > this.#range.max) this.above++;
        else continue;
        example(this.domainExamples, values[i], i);
      } else if (this.#categories !== null && typeof read === 'string' && !this.#categories.has(read)) {
        this.unseen++;
        if (this.unseenValues.size < UNSEEN_DISTINCT_LIMIT) this.unseenValues.add(read);
        example(this.unseenExamples, values[i], i);
      }
    }
  }
}

function exampleValue(value: Value): string | number | boolean {
  if (value instanceof Date) return value.toISOString();
  return value ?? '';
}

interface TableEvidence {
  scanner: Scanner | null;
  samples: (name: string) => Float64Array;
}

function compare(
  profile: Profile,
  schema: Schema,
  settings: Settings,
  table: TableEvidence | null,
): ValidationResult {
  const anomalies: Anomaly[] = [];
  const add = <K extends AnomalyKind>(
    kind: K,
    column: string | null,
    description: string,
    details: AnomalyDetails[K],
    severity: Severity = settings.severity[kind],
  ) => anomalies.push({ kind, column, description, details, severity } as Anomaly);

  const profiled = new Map(profile.columns.map((c) => [c.name, c]));
  for (const column of schema.columns) {
    const data = profiled.get(column.name);
    if (data === undefined) {
      add('missingColumn', column.name, `column '${column.name}' (${column.type}) is missing from the data`, {
        expectedType: column.type,
      });
      continue;
    }
    const scan = table?.scanner?.columns.get(column.name) ?? null;
    checkMissing(column, data, settings, add);
    checkType(column, data, scan, settings, add);
    checkDomain(column, data, scan, settings, add);
    if (settings.drift) checkDrift(column, data, table, settings, add);
  }
  const known = new Set(schema.columns.map((c) => c.name));
  for (const c of profile.columns) {
    if (!known.has(c.name)) {
      add(
        'unexpectedColumn',
        c.name,
        `column '${c.name}' is not in the schema (its values look like ${c.type})`,
        {
          inferredType: c.type,
        },
      );
    }
  }
  return { ok: anomalies.every((a) => a.severity !== 'error'), rows: profile.rows, anomalies, profile };
}

type Add = <K extends AnomalyKind>(
  kind: K,
  column: string | null,
  description: string,
  details: AnomalyDetails[K],
  severity?: Severity,
) => void;

const percent = (share: number) => `${(share * 100).toFixed(share < 0.001 && share > 0 ? 3 : 1)}%`;

function checkMissing(column: ColumnSchema, data: ColumnProfile, settings: Settings, add: Add): void {
  const details = {
    rate: data.missingRate,
    missing: data.missing,
    expectedMax: column.maxMissingRate,
    required: column.required,
  };
  if (column.required && data.missing > 0) {
    add(
      'missingRateJump',
      column.name,
      `required column '${column.name}' has ${formatNumber(data.missing)} missing values (${percent(data.missingRate)}); training had none`,
      { ...details, threshold: 0 },
      settings.requiredMissingSeverity,
    );
  } else if (data.missingRate > column.maxMissingRate + settings.missingRateThreshold) {
    add(
      'missingRateJump',
      column.name,
      `missing rate of '${column.name}' rose to ${percent(data.missingRate)} from ${percent(column.maxMissingRate)} ` +
        `in training (more than ${percent(settings.missingRateThreshold)} allowed)`,
      { ...details, threshold: settings.missingRateThreshold },
    );
  }
}

function checkType(
  column: ColumnSchema,
  data: ColumnProfile,
  scan: ColumnScan | null,
  settings: Settings,
  add: Add,
): void {
  const nonMissing = data.count - data.missing;
  if (nonMissing === 0) return;
  const invalid = nonMissing - conformingCount(data.kinds, column.type);
  const share = invalid / nonMissing;
  const threshold = column.invalidRate + settings.typeThreshold;
  if (share <= threshold) return;
  const examples = scan?.invalidExamples ?? [];
  add(
    'wrongType',
    column.name,
    `${formatNumber(invalid)} of ${formatNumber(nonMissing)} values of '${column.name}' (${percent(share)}) ` +
      `do not read as ${column.type}${exampleText(examples)}`,
    { expectedType: column.type, invalid, nonMissing, share, threshold, examples },
  );
}

function checkDomain(
  column: ColumnSchema,
  data: ColumnProfile,
  scan: ColumnScan | null,
  settings: Settings,
  add: Add,
): void {
  const domain = column.domain;
  if (domain === undefined) return;
  if (domain.kind === 'category') {
    checkCategories(column, data, scan, domain.values, add);
    return;
  }
  if (domain.kind === 'datetime' && !settings.datetimeRange) return;
  let below: number;
  let above: number;
  let inType: number;
  let approximate = false;
  let examples: AnomalyExample[];
  if (scan !== null) {
    ({ below, above, inType } = scan);
    examples = scan.domainExamples;
  } else if (domain.kind === 'numeric') {
    const numeric = data.numeric;
    if (numeric === undefined) return;
    // A profile keeps only a sketch: the share outside the domain there, scaled to the count.
    const sketch = numeric.sketch;
    const share = (n: number) => Math.round((n / sketch.length) * numeric.count);
    below = numeric.min < domain.min ? Math.max(1, share(sketch.filter((x) => x < domain.min).length)) : 0;
    above = numeric.max > domain.max ? Math.max(1, share(sketch.filter((x) => x > domain.max).length)) : 0;
    inType = numeric.count;
    approximate = !(numeric.exact && sketch.length === numeric.count);
    examples = [
      ...(below > 0 ? [{ value: numeric.min }] : []),
      ...(above > 0 ? [{ value: numeric.max }] : []),
    ];
  } else {
    const range = data.datetime;
    if (range === undefined) return;
    below = range.min < domain.min ? 1 : 0;
    above = range.max > domain.max ? 1 : 0;
    inType = data.kinds.datetime;
    approximate = true;
    examples = [...(below > 0 ? [{ value: range.min }] : []), ...(above > 0 ? [{ value: range.max }] : [])];
  }
  const count = below + above;
  if (count === 0) return;
  const share = inType === 0 ? 0 : count / inType;
  add(
    'outOfDomain',
    column.name,
    `${approximate ? 'about ' : ''}${formatNumber(count)} values of '${column.name}' (${percent(share)}) are outside ` +
      `[${domain.min}, ${domain.max}]: ${formatNumber(below)} below, ${formatNumber(above)} above${exampleText(examples)}`,
    { min: domain.min, max: domain.max, below, above, share, approximate, examples },
  );
}

function checkCategories(
  column: ColumnSchema,
  data: ColumnProfile,
  scan: ColumnScan | null,
  allowed: readonly string[],
  add: Add,
): void {
  let count: number;
  let distinct: number;
  let examples: AnomalyExample[];
  let approximate = false;
  if (scan !== null) {
    count = scan.unseen;
    distinct = scan.unseenValues.size;
    examples = scan.unseenExamples;
  } else {
    const known = new Set(allowed);
    const values = data.frequencies ?? data.top ?? [];
    approximate = data.frequencies === undefined;
    const unseen = values.filter((v) => !known.has(v.value));
    count = unseen.reduce((s, v) => s + v.count, 0);
    distinct = unseen.length;
    examples = unseen.slice(0, 5).map((v) => ({ value: v.value }));
  }
  if (count === 0) return;
  const nonMissing = data.count - data.missing;
  const share = nonMissing === 0 ? 0 : count / nonMissing;
  add(
    'unseenCategory',
    column.name,
    `${approximate ? 'at least ' : ''}${formatNumber(count)} values of '${column.name}' (${percent(share)}) in ` +
      `${formatNumber(distinct)} categories not seen in training${exampleText(examples)}`,
    { count, distinct, share, approximate, examples },
  );
}

function checkDrift(
  column: ColumnSchema,
  data: ColumnProfile,
  table: TableEvidence | null,
  settings: Settings,
  add: Add,
): void {
  const distribution = column.distribution;
  if (distribution === undefined || data.count - data.missing === 0) return;
  if (distribution.kind === 'categorical') {
    const actual: ValueCount[] | undefined = data.frequencies;
    if (actual === undefined) return;
    const { psi } = populationStabilityIndex(distribution.frequencies, actual, settings.psiEpsilon);
    if (psi <= settings.psiThreshold) return;
    add(
      'drift',
      column.name,
      `distribution of '${column.name}' drifted from training: PSI ${psi.toFixed(3)} > ${settings.psiThreshold}`,
      { test: 'psi', psi, threshold: settings.psiThreshold, epsilon: settings.psiEpsilon },
    );
    return;
  }
  const sample = table !== null ? table.samples(column.name) : data.numeric?.sketch;
  if (sample === undefined || sample.length === 0) return;
  const ks: KsResult = ksTest(distribution.sketch, sample);
  const fixed = settings.ksThreshold;
  const threshold = fixed ?? ksCriticalValue(ks.n1, ks.n2, settings.ksAlpha);
  const drifted = fixed !== undefined ? ks.statistic > fixed : ks.pValue < settings.ksAlpha;
  if (!drifted) return;
  const why =
    fixed !== undefined
      ? `KS D = ${ks.statistic.toFixed(3)} > ${fixed}`
      : `KS D = ${ks.statistic.toFixed(3)}, p = ${ks.pValue.toPrecision(2)} < ${settings.ksAlpha}`;
  add('drift', column.name, `distribution of '${column.name}' drifted from training: ${why}`, {
    test: 'ks',
    ...ks,
    threshold,
    alpha: fixed !== undefined ? null : settings.ksAlpha,
  });
}

function exampleText(examples: readonly AnomalyExample[]): string {
  if (examples.length === 0) return '';
  const shown = examples.slice(0, 3).map((e) => {
    const value = typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    return e.origin ? `${value} (${e.origin.source}:${e.origin.line})` : value;
  });
  return `, e.g. ${shown.join(', ')}`;
}

/** A readable report: a summary line, then one line per anomaly, errors first. */
export function formatAnomalies(result: ValidationResult): string {
  const errors = result.anomalies.filter((a) => a.severity === 'error');
  const warnings = result.anomalies.filter((a) => a.severity === 'warning');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const title = `Validation of ${formatNumber(result.rows)} rows: ${
    result.anomalies.length === 0
      ? 'no anomalies'
      : `${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`
  }`;
  const ordered = [...errors, ...warnings];
  const nameWidth = Math.min(24, Math.max(6, ...ordered.map((a) => (a.column ?? '').length)));
  const lines = ordered.map(
    (a) =>
      `  ${a.severity.padEnd(7)}  ${(a.column ?? '—').padEnd(nameWidth)}  ${a.kind.padEnd(16)}  ${a.description}`,
  );
  return [title, ...lines].join('\n');
}
