import type { Quarantine, StepReport } from '../report.js';
import type { Table, Value } from '../table.js';
import { CleaningDataError, cleaningMessages as msg } from './errors.js';
import { describeValue, type JsonValue } from './values.js';

/**
 * A step's report: the shared StepReport, plus what only some steps do. `invalid` counts cells
 * that `coerce` could not parse and set to null (they are also in `changedCells`); `columns`
 * names the columns a step added, removed or renamed.
 */
export interface CleaningStepReport extends StepReport {
  invalid?: Record<string, number>;
  columns?: { added?: string[]; removed?: string[]; renamed?: Record<string, string> };
}

export interface StepResult {
  table: Table;
  report: CleaningStepReport;
}

export interface ApplyContext {
  readonly quarantine: Quarantine;
}

/** A step with whatever it learnt from training data, ready to apply to any table. */
export interface FittedStep<C> {
  /** The declaration, with every default filled in. */
  readonly config: C;
  /** What was learnt (means, bounds…), as JSON; undefined for steps that learn nothing. */
  readonly state: JsonValue | undefined;
  apply(table: Table, context: ApplyContext): StepResult;
}

/** A validated declaration, before fitting. */
export interface DeclaredStep<C> {
  readonly config: C;
  fit(table: Table): FittedStep<C>;
  /** Rebuilds the fitted step from a saved state; `path` locates the state in error messages. */
  restore(state: unknown, path: string): FittedStep<C>;
}

/** A declared step that learns nothing from data. */
export function stateless<C>(
  config: C,
  apply: (table: Table, context: ApplyContext) => StepResult,
): DeclaredStep<C> {
  const fitted: FittedStep<C> = { config, state: undefined, apply };
  return { config, fit: () => fitted, restore: () => fitted };
}

export function requireColumns(step: string, table: Table, columns: readonly string[]): void {
  for (const column of columns) {
    if (!table.has(column)) throw new CleaningDataError(step, msg.noColumn(column, table.columnNames));
  }
}

const bump = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/**
 * The accounting of one step over one table. Steps mark rows to drop or quarantine (the first
 * reason given for a row wins) and count changed cells and flags; `finish` removes the marked rows,
 * so the identity rowsIn = rowsOut + dropped + quarantined holds by construction.
 */
export class StepLedger {
  readonly #removed: Uint8Array;
  readonly #report: CleaningStepReport;

  constructor(
    readonly step: string,
    readonly input: Table,
    readonly context: ApplyContext,
  ) {
    this.#removed = new Uint8Array(input.numRows);
    this.#report = { step, rowsIn: input.numRows, rowsOut: 0, dropped: {}, quarantined: 0, changedCells: {} };
  }

  isRemoved(row: number): boolean {
    return this.#removed[row] === 1;
  }

  drop(row: number, reason: string): void {
    if (this.isRemoved(row)) return;
    this.#removed[row] = 1;
    bump(this.#report.dropped, reason);
  }

  /** Sets the row aside with its origin and its values as they came into this step. */
  quarantine(row: number, reason: string): void {
    if (this.isRemoved(row)) return;
    this.#removed[row] = 1;
    this.#report.quarantined++;
    const origin = this.input.origins[row];
    this.context.quarantine.add({ ...origin, step: this.step, reason, raw: this.input.row(row) });
  }

  changed(column: string, count = 1): void {
    if (count === 0) return;
    bump(this.#report.changedCells, column, count);
  }

  flagged(reason: string): void {
    this.#report.flagged ??= {};
    bump(this.#report.flagged, reason);
  }

  invalid(column: string): void {
    this.#report.invalid ??= {};
    bump(this.#report.invalid, column);
  }

  columns(change: NonNullable<CleaningStepReport['columns']>): void {
    this.#report.columns = { ...this.#report.columns, ...change };
  }

  /** `table` has the input's rows (with changed or added columns); the marked ones are removed. */
  finish(table: Table): StepResult {
    const out = this.#removed.includes(1) ? table.filter((i) => this.#removed[i] === 0) : table;
    this.#report.rowsOut = out.numRows;
    return { table: out, report: this.#report };
  }
}

/**
 * Sets `column` to true on flagged rows. An existing column is or-ed into rather than replaced, so
 * that several steps can flag into one column without erasing each other's flags.
 */
export function writeFlags(
  ledger: StepLedger,
  table: Table,
  column: string,
  flags: readonly boolean[],
): Table {
  if (!table.has(column)) {
    ledger.columns({ added: [column] });
    return table.withColumn(column, flags);
  }
  const existing = table.column(column);
  const other = existing.find((v) => v !== null && typeof v !== 'boolean');
  if (other !== undefined)
    throw new CleaningDataError(ledger.step, msg.notFlags(column, describeValue(other)));
  const merged: Value[] = flags.map((flag, i) => flag || existing[i] === true);
  return table.withColumn(column, merged);
}
