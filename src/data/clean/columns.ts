import { Table } from '../table.js';
import type { RawObject } from './config.js';
import { readStringRecord, StepReader } from './config.js';
import { CleaningDataError, cleaningMessages as msg } from './errors.js';
import { type DeclaredStep, requireColumns, StepLedger, stateless } from './step.js';
import { isMissing } from './values.js';

/** Removes columns; the report names them. */
export interface DropColumnsStep {
  step: 'dropColumns';
  columns: string[];
}

export function declareDropColumns(raw: RawObject, path: string): DeclaredStep<DropColumnsStep> {
  const r = new StepReader(raw, path, 'dropColumns', ['columns']);
  const config: DropColumnsStep = { step: 'dropColumns', columns: r.columns('columns') };
  return stateless(config, (table, context) => {
    requireColumns('dropColumns', table, config.columns);
    const ledger = new StepLedger('dropColumns', table, context);
    ledger.columns({ removed: [...config.columns] });
    return ledger.finish(table.drop(config.columns));
  });
}

/** Renames columns, keeping their order: `columns: { 'Customer ID': 'CustomerID' }`. */
export interface RenameColumnsStep {
  step: 'renameColumns';
  columns: Record<string, string>;
}

export function declareRenameColumns(raw: RawObject, path: string): DeclaredStep<RenameColumnsStep> {
  const r = new StepReader(raw, path, 'renameColumns', ['columns']);
  const renames = readStringRecord(r.required('columns'), r.at('columns'), 'a record of old name → new name');
  if (Object.keys(renames).length === 0) throw r.error('columns', msg.emptyList());
  const config: RenameColumnsStep = { step: 'renameColumns', columns: renames };
  return stateless(config, (table, context) => {
    requireColumns('renameColumns', table, Object.keys(renames));
    const ledger = new StepLedger('renameColumns', table, context);
    const names = table.columnNames.map((name) => renames[name] ?? name);
    const clash = names.find((name, i) => names.indexOf(name) !== i);
    if (clash !== undefined) throw new CleaningDataError('renameColumns', msg.columnExists(clash));
    const columns = new Map(table.columnNames.map((name, i) => [names[i], table.column(name)]));
    ledger.columns({ renamed: { ...renames } });
    return ledger.finish(new Table(columns, table.origins));
  });
}

/**
 * Drops rows with missing values (see `isMissing`) in `columns` (every column by default): with
 * `how: 'any'` a row goes when one is missing, the reason naming the first; with 'all', when all are.
 */
export interface DropMissingStep {
  step: 'dropMissing';
  columns?: string[];
  how?: 'any' | 'all';
}

export function declareDropMissing(raw: RawObject, path: string): DeclaredStep<DropMissingStep> {
  const r = new StepReader(raw, path, 'dropMissing', ['columns', 'how']);
  const columns = r.optionalColumns('columns');
  const how = r.oneOf('how', ['any', 'all'], 'any');
  const config: DropMissingStep = { step: 'dropMissing', ...(columns ? { columns } : {}), how };
  return stateless(config, (table, context) => {
    const names = columns ?? table.columnNames;
    requireColumns('dropMissing', table, names);
    const ledger = new StepLedger('dropMissing', table, context);
    const values = names.map((c) => table.column(c));
    const allReason = columns ? `missing all of ${names.join(', ')}` : 'empty row';
    for (let i = 0; i < table.numRows; i++) {
      const missing = values.map((column) => isMissing(column[i]));
      if (how === 'all') {
        if (missing.every(Boolean)) ledger.drop(i, allReason);
      } else {
        const first = missing.indexOf(true);
        if (first >= 0) ledger.drop(i, `missing ${names[first]}`);
      }
    }
    return ledger.finish(table);
  });
}
