import type { Table, Value } from '../table.js';
import type { RawObject } from './config.js';
import { StepReader } from './config.js';
import { CleaningConfigError, CleaningDataError, cleaningMessages as msg } from './errors.js';
import { type ApplyContext, type DeclaredStep, type FittedStep, requireColumns, StepLedger } from './step.js';
import { decodeValue, describeValue, encodeValue, isMissing, valueKey } from './values.js';

export const imputeStrategies = ['mean', 'median', 'mode', 'constant', 'forwardFill'] as const;

/**
 * Fills missing values (see `isMissing`). 'mean', 'median' and 'mode' are learnt from the training
 * table and saved in the plan, so that test and serving data are filled with training statistics;
 * 'constant' fills `value`; 'forwardFill' carries the last present value down, within the table
 * it is applied to (missing values before the first present one stay missing). `addIndicator`
 * adds a boolean column `<column>_missing` per column, true where the value was missing.
 */
export interface ImputeStep {
  step: 'impute';
  columns: string[];
  strategy: (typeof imputeStrategies)[number];
  value?: string | number | boolean;
  addIndicator?: boolean;
}

export const indicatorColumn = (column: string) => `${column}_missing`;

export function declareImpute(raw: RawObject, path: string): DeclaredStep<ImputeStep> {
  const r = new StepReader(raw, path, 'impute', ['columns', 'strategy', 'value', 'addIndicator']);
  const columns = r.columns('columns');
  const strategy = r.oneOf('strategy', imputeStrategies);
  r.onlyWith('value', 'strategy', 'constant', strategy === 'constant');
  let value: string | number | boolean | undefined;
  if (strategy === 'constant') {
    const v = r.required('value');
    if (!isScalar(v)) throw r.error('value', msg.wrongType(v, 'a string, number or boolean'));
    value = v;
  }
  const config: ImputeStep = {
    step: 'impute',
    columns,
    strategy,
    ...(value !== undefined ? { value } : {}),
    addIndicator: r.boolean('addIndicator', false),
  };

  const fitted = (fills: Map<string, Value> | undefined): FittedStep<ImputeStep> => ({
    config,
    state: fills ? { fills: Object.fromEntries([...fills].map(([c, v]) => [c, encodeValue(v)])) } : undefined,
    apply: (table, context) => applyImpute(config, fills, table, context),
  });

  const learns = strategy === 'mean' || strategy === 'median' || strategy === 'mode';
  return {
    config,
    fit(table) {
      if (!learns) return fitted(undefined);
      requireColumns('impute', table, columns);
      return fitted(new Map(columns.map((c) => [c, learn(strategy, c, table)])));
    },
    restore(state, at) {
      if (!learns) return fitted(undefined);
      const fills = (state as { fills?: Record<string, unknown> } | null)?.fills;
      if (typeof fills !== 'object' || fills === null) {
        throw new CleaningConfigError(
          at,
          msg.badPlan('an impute step needs fills learnt from training data'),
        );
      }
      return fitted(new Map(columns.map((c) => [c, decodeValue(fills[c], `${at}.fills.${c}`)])));
    },
  };
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function learn(strategy: 'mean' | 'median' | 'mode', column: string, table: Table): Value {
  const values = table.column(column);
  if (strategy === 'mode') {
    // Ties go to the value seen first, so that the result depends on the data, not on a sort of
    // mixed types.
    const counts = new Map<string, { value: Value; count: number }>();
    let best: { value: Value; count: number } | undefined;
    for (const value of values) {
      if (isMissing(value)) continue;
      const key = valueKey(value);
      const entry = counts.get(key) ?? { value, count: 0 };
      entry.count++;
      counts.set(key, entry);
      if (!best || entry.count > best.count) best = entry;
    }
    if (!best) throw new CleaningDataError('impute', msg.nothingToFit(column, 'mode'));
    return best.value;
  }
  const numbers = numericValues('impute', table, column);
  if (numbers.length === 0) throw new CleaningDataError('impute', msg.nothingToFit(column, strategy));
  if (strategy === 'mean') return numbers.reduce((a, b) => a + b, 0) / numbers.length;
  return quantile(
    numbers.sort((a, b) => a - b),
    0.5,
  );
}

/** The present values of a column, which must all be numbers: text means `coerce` was skipped. */
export function numericValues(step: string, table: Table, column: string): number[] {
  const numbers: number[] = [];
  table.column(column).forEach((value, i) => {
    if (isMissing(value)) return;
    if (typeof value !== 'number') {
      throw new CleaningDataError(step, msg.needsNumbers(column, describeValue(value)), table.origins[i]);
    }
    numbers.push(value);
  });
  return numbers;
}

/** The q-quantile of sorted numbers, interpolating linearly between ranks (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

function applyImpute(
  config: ImputeStep,
  fills: ReadonlyMap<string, Value> | undefined,
  table: Table,
  context: ApplyContext,
) {
  requireColumns('impute', table, config.columns);
  const ledger = new StepLedger('impute', table, context);
  let out = table;
  const added: string[] = [];
  for (const column of config.columns) {
    const values = [...table.column(column)];
    const indicator: boolean[] = new Array(values.length).fill(false);
    let last: Value = null;
    let filled = 0;
    for (let i = 0; i < values.length; i++) {
      if (!isMissing(values[i])) {
        last = values[i];
        continue;
      }
      indicator[i] = true;
      const fill = config.strategy === 'forwardFill' ? last : (fills?.get(column) ?? config.value ?? null);
      if (fill === null) continue;
      values[i] = fill;
      filled++;
    }
    ledger.changed(column, filled);
    out = out.withColumn(column, values);
    if (config.addIndicator) {
      const name = indicatorColumn(column);
      if (table.has(name)) throw new CleaningDataError('impute', msg.columnExists(name));
      out = out.withColumn(name, indicator);
      added.push(name);
    }
  }
  if (added.length > 0) ledger.columns({ added });
  return ledger.finish(out);
}
