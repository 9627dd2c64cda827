import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Origin } from './table.js';

/**
 * A row that could not be read or did not pass a rule: kept with its origin and the reason,
 * never dropped silently. Written as JSON Lines so that a person or a script can inspect it.
 */
export interface QuarantinedRow extends Origin {
  /** The step that set the row aside: 'read', 'coerce', 'validate'… */
  step: string;
  reason: string;
  /** The raw text or record, as far as it could be read. */
  raw: unknown;
}

/** Collects quarantined rows from every step of a run. */
export class Quarantine {
  readonly rows: QuarantinedRow[] = [];

  add(row: QuarantinedRow): void {
    this.rows.push(row);
  }

  get size(): number {
    return this.rows.length;
  }

  /** Appends the rows as JSON Lines to `path`, creating its folder. */
  async write(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, this.rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
}

/**
 * What one step did, so that every row is accounted for:
 * rowsIn = rowsOut + sum(dropped) + quarantined.
 */
export interface StepReport {
  step: string;
  rowsIn: number;
  rowsOut: number;
  /** Rows dropped, by reason ('exact duplicate', 'Quantity < 0: return'…). */
  dropped: Record<string, number>;
  quarantined: number;
  /** Cells changed (imputed, clipped, coerced, trimmed…), by column. */
  changedCells: Record<string, number>;
  /** Rows flagged (kept, with a flag column set), by reason. */
  flagged?: Record<string, number>;
}

/** One line per step, for the CLI and logs: `dropDuplicates: 541,909 → 536,641 rows (−5,268 exact duplicate)`. */
export function formatStepReport(report: StepReport): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const parts = [`${report.step}: ${n(report.rowsIn)} → ${n(report.rowsOut)} rows`];
  const dropped = Object.entries(report.dropped).filter(([, v]) => v > 0);
  if (dropped.length > 0) parts.push(`(${dropped.map(([why, v]) => `−${n(v)} ${why}`).join(', ')})`);
  if (report.quarantined > 0) parts.push(`${n(report.quarantined)} quarantined`);
  const changed = Object.entries(report.changedCells).filter(([, v]) => v > 0);
  if (changed.length > 0) parts.push(`changed ${changed.map(([c, v]) => `${c}: ${n(v)}`).join(', ')}`);
  const flagged = Object.entries(report.flagged ?? {}).filter(([, v]) => v > 0);
  if (flagged.length > 0) parts.push(`flagged ${flagged.map(([why, v]) => `${why}: ${n(v)}`).join(', ')}`);
  return parts.join(' ');
}
