import type { RawObject } from './config.js';
import { StepReader } from './config.js';
import { type DeclaredStep, requireColumns, StepLedger, stateless, writeFlags } from './step.js';
import { valueKey } from './values.js';

/**
 * Removes (or flags) rows that repeat an earlier row: on every column (exact duplicates, the
 * default) or on `keys`. `keep: 'last'` keeps the last occurrence instead of the first. Values
 * match only with the same type: the text '1' and the number 1 differ.
 */
export interface DropDuplicatesStep {
  step: 'dropDuplicates';
  keys?: string[];
  keep?: 'first' | 'last';
  action?: 'drop' | 'flag';
  /** The boolean column set on duplicates with `action: 'flag'`; default 'duplicate'. */
  flagColumn?: string;
}

export function declareDropDuplicates(raw: RawObject, path: string): DeclaredStep<DropDuplicatesStep> {
  const r = new StepReader(raw, path, 'dropDuplicates', ['keys', 'keep', 'action', 'flagColumn']);
  const keys = r.optionalColumns('keys');
  const action = r.oneOf('action', ['drop', 'flag'], 'drop');
  r.onlyWith('flagColumn', 'action', 'flag', action === 'flag');
  const config: DropDuplicatesStep = {
    step: 'dropDuplicates',
    ...(keys ? { keys } : {}),
    keep: r.oneOf('keep', ['first', 'last'], 'first'),
    action,
    ...(action === 'flag' ? { flagColumn: r.string('flagColumn', 'duplicate') } : {}),
  };
  const reason = keys ? `duplicate ${keys.join(', ')}` : 'exact duplicate';

  return stateless(config, (table, context) => {
    const columns = keys ?? table.columnNames;
    requireColumns('dropDuplicates', table, columns);
    const ledger = new StepLedger('dropDuplicates', table, context);
    const values = columns.map((c) => table.column(c));
    const seen = new Set<string>();
    const duplicate: boolean[] = new Array(table.numRows).fill(false);
    const n = table.numRows;
    for (let k = 0; k < n; k++) {
      const i = config.keep === 'last' ? n - 1 - k : k;
      const key = JSON.stringify(values.map((column) => valueKey(column[i])));
      if (seen.has(key)) duplicate[i] = true;
      else seen.add(key);
    }
    if (action === 'flag') {
      for (let i = 0; i < n; i++) if (duplicate[i]) ledger.flagged(reason);
      return ledger.finish(writeFlags(ledger, table, config.flagColumn!, duplicate));
    }
    for (let i = 0; i < n; i++) if (duplicate[i]) ledger.drop(i, reason);
    return ledger.finish(table);
  });
}
