import type { Value } from '../table.js';
import type { RawObject } from './config.js';
import { StepReader } from './config.js';
import { type DeclaredStep, requireColumns, StepLedger, stateless } from './step.js';

/** Trims leading and trailing whitespace from the strings of `columns` (every column by default). */
export interface TrimStep {
  step: 'trim';
  columns?: string[];
}

export function declareTrim(raw: RawObject, path: string): DeclaredStep<TrimStep> {
  const r = new StepReader(raw, path, 'trim', ['columns']);
  const columns = r.optionalColumns('columns');
  const config: TrimStep = { step: 'trim', ...(columns ? { columns } : {}) };
  return stateless(config, (table, context) => {
    const names = columns ?? table.columnNames;
    requireColumns('trim', table, names);
    const ledger = new StepLedger('trim', table, context);
    let out = table;
    for (const column of names) {
      let changed = 0;
      const values = table.column(column).map((value): Value => {
        if (typeof value !== 'string') return value;
        const trimmed = value.trim();
        if (trimmed !== value) changed++;
        return trimmed;
      });
      if (changed === 0) continue;
      ledger.changed(column, changed);
      out = out.withColumn(column, values);
    }
    return ledger.finish(out);
  });
}
