import type { Table, Value } from '../table.js';
import type { RawObject } from './config.js';
import { StepReader } from './config.js';
import { CleaningConfigError, CleaningDataError, cleaningMessages as msg } from './errors.js';
import { numericValues, quantile } from './impute.js';
import {
  type ApplyContext,
  type DeclaredStep,
  type FittedStep,
  requireColumns,
  StepLedger,
  writeFlags,
} from './step.js';
import { describeValue, isMissing } from './values.js';

/**
 * Finds values outside bounds learnt from the training table: 'iqr' allows
 * [Q1 − factor·IQR, Q3 + factor·IQR] (factor 1.5 by default), 'zscore' allows
 * mean ± factor·σ with the population σ (factor 3 by default). An outlier is clipped to the
 * bound, its row dropped, or its row flagged in `flagColumn` (default 'outlier'); a row is
 * dropped or flagged once, under the first column in which it is an outlier.
 */
export interface OutliersStep {
  step: 'outliers';
  columns: string[];
  method: 'iqr' | 'zscore';
  factor?: number;
  action: 'clip' | 'drop' | 'flag';
  flagColumn?: string;
}

export interface Bounds {
  lower: number;
  upper: number;
}

const outlierReason = (column: string) => `outlier in ${column}`;

export function declareOutliers(raw: RawObject, path: string): DeclaredStep<OutliersStep> {
  const r = new StepReader(raw, path, 'outliers', ['columns', 'method', 'factor', 'action', 'flagColumn']);
  const columns = r.columns('columns');
  const method = r.oneOf('method', ['iqr', 'zscore']);
  const factor = r.number('factor', method === 'iqr' ? 1.5 : 3);
  if (factor <= 0) throw r.error('factor', msg.wrongType(factor, 'a positive number'));
  const action = r.oneOf('action', ['clip', 'drop', 'flag']);
  r.onlyWith('flagColumn', 'action', 'flag', action === 'flag');
  const config: OutliersStep = {
    step: 'outliers',
    columns,
    method,
    factor,
    action,
    ...(action === 'flag' ? { flagColumn: r.string('flagColumn', 'outlier') } : {}),
  };

  const fitted = (bounds: Map<string, Bounds>): FittedStep<OutliersStep> => ({
    config,
    state: {
      bounds: Object.fromEntries([...bounds].map(([c, b]) => [c, { lower: b.lower, upper: b.upper }])),
    },
    apply: (table, context) => applyOutliers(config, bounds, table, context),
  });

  return {
    config,
    fit(table) {
      requireColumns('outliers', table, columns);
      return fitted(new Map(columns.map((c) => [c, fitBounds(table, c, method, factor)])));
    },
    restore(state, at) {
      const bounds = (state as { bounds?: Record<string, Partial<Bounds>> } | null)?.bounds;
      return fitted(
        new Map(
          columns.map((c) => {
            const b = bounds?.[c];
            if (typeof b?.lower !== 'number' || typeof b.upper !== 'number') {
              throw new CleaningConfigError(`${at}.bounds`, msg.badPlan(`no bounds for column ${c}`));
            }
            return [c, { lower: b.lower, upper: b.upper }];
          }),
        ),
      );
    },
  };
}

function fitBounds(table: Table, column: string, method: 'iqr' | 'zscore', factor: number): Bounds {
  const numbers = numericValues('outliers', table, column).sort((a, b) => a - b);
  if (numbers.length === 0) throw new CleaningDataError('outliers', msg.nothingToFit(column, 'bounds'));
  if (method === 'iqr') {
    const q1 = quantile(numbers, 0.25);
    const q3 = quantile(numbers, 0.75);
    return { lower: q1 - factor * (q3 - q1), upper: q3 + factor * (q3 - q1) };
  }
  const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
  const sd = Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / numbers.length);
  return { lower: mean - factor * sd, upper: mean + factor * sd };
}

function applyOutliers(
  config: OutliersStep,
  bounds: ReadonlyMap<string, Bounds>,
  table: Table,
  context: ApplyContext,
) {
  requireColumns('outliers', table, config.columns);
  const ledger = new StepLedger('outliers', table, context);
  const flags: boolean[] = new Array(table.numRows).fill(false);
  let out = table;
  for (const column of config.columns) {
    const { lower, upper } = bounds.get(column)!;
    const values = table.column(column);
    const clipped: Value[] = [...values];
    let changed = 0;
    values.forEach((value, i) => {
      if (isMissing(value)) return;
      if (typeof value !== 'number') {
        throw new CleaningDataError(
          'outliers',
          msg.needsNumbers(column, describeValue(value)),
          table.origins[i],
        );
      }
      if (value >= lower && value <= upper) return;
      if (config.action === 'clip') {
        clipped[i] = value < lower ? lower : upper;
        changed++;
      } else if (config.action === 'drop') {
        ledger.drop(i, outlierReason(column));
      } else if (!flags[i]) {
        flags[i] = true;
        ledger.flagged(outlierReason(column));
      }
    });
    if (config.action === 'clip') {
      ledger.changed(column, changed);
      out = out.withColumn(column, clipped);
    }
  }
  if (config.action === 'flag') out = writeFlags(ledger, out, config.flagColumn!, flags);
  return ledger.finish(out);
}
