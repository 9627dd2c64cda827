import { Quarantine } from '../report.js';
import type { Table } from '../table.js';
import { type CoerceStep, declareCoerce } from './coerce.js';
import {
  type DropColumnsStep,
  type DropMissingStep,
  declareDropColumns,
  declareDropMissing,
  declareRenameColumns,
  type RenameColumnsStep,
} from './columns.js';
import { checkKeys, expectObject, keyPath, type RawObject, suggest } from './config.js';
import { type DropDuplicatesStep, declareDropDuplicates } from './drop-duplicates.js';
import { CleaningConfigError, cleaningMessages as msg } from './errors.js';
import { declareFilter, type FilterStep } from './filter.js';
import { declareImpute, type ImputeStep } from './impute.js';
import { declareNormalizeCategories, type NormalizeCategoriesStep } from './normalize-categories.js';
import { declareOutliers, type OutliersStep } from './outliers.js';
import type { CleaningStepReport, DeclaredStep, FittedStep } from './step.js';
import { declareTrim, type TrimStep } from './trim.js';
import type { JsonValue } from './values.js';

/** One cleaning step, as declared in code or in a pipeline file. */
export type CleaningStep =
  | CoerceStep
  | DropDuplicatesStep
  | ImputeStep
  | OutliersStep
  | NormalizeCategoriesStep
  | TrimStep
  | FilterStep
  | DropColumnsStep
  | RenameColumnsStep
  | DropMissingStep;

type Declare = (raw: RawObject, path: string) => DeclaredStep<CleaningStep>;

const declarations = new Map<string, Declare>([
  ['coerce', declareCoerce],
  ['dropDuplicates', declareDropDuplicates],
  ['impute', declareImpute],
  ['outliers', declareOutliers],
  ['normalizeCategories', declareNormalizeCategories],
  ['trim', declareTrim],
  ['filter', declareFilter],
  ['dropColumns', declareDropColumns],
  ['renameColumns', declareRenameColumns],
  ['dropMissing', declareDropMissing],
]);
export const cleaningStepNames: readonly string[] = [...declarations.keys()];

function declare(raw: unknown, path: string): DeclaredStep<CleaningStep> {
  const object = expectObject(raw, path, 'a step such as { step: "trim" }');
  const name = object.step;
  const make = typeof name === 'string' ? declarations.get(name) : undefined;
  if (!make) {
    const hint = typeof name === 'string' ? suggest(name, cleaningStepNames) : undefined;
    throw new CleaningConfigError(keyPath(path, 'step'), msg.unknownStep(name, cleaningStepNames, hint));
  }
  return make(object, path);
}

function declareAll(raw: unknown, path: string): DeclaredStep<CleaningStep>[] {
  if (!Array.isArray(raw)) throw new CleaningConfigError(path, msg.wrongType(raw, 'a list of steps'));
  return raw.map((step, i) => declare(step, keyPath(path, i)));
}

/**
 * Checks step declarations (from code, JSON or YAML) and returns them with every default filled in.
 * An error names the offending key, as `steps[2].strategy`.
 */
export function validateCleaningSteps(raw: unknown, path = 'steps'): CleaningStep[] {
  return declareAll(raw, path).map((d) => d.config);
}

export interface ApplyCleaningOptions {
  /** Where rows set aside go; a new Quarantine when absent, returned either way. */
  quarantine?: Quarantine;
}

export interface CleaningResult {
  table: Table;
  /** One report per step, in order. */
  reports: CleaningStepReport[];
  quarantine: Quarantine;
}

export interface CleaningPlanJson {
  format: 'deepline.cleaning';
  version: 1;
  steps: { config: CleaningStep; state?: JsonValue }[];
}

/**
 * Cleaning steps fitted on training data: apply the same plan to validation, test and serving
 * data so that they are filled, clipped and filtered with the training statistics.
 */
export class CleaningPlan {
  readonly steps: readonly FittedStep<CleaningStep>[];

  constructor(steps: readonly FittedStep<CleaningStep>[]) {
    this.steps = steps;
  }

  apply(table: Table, options: ApplyCleaningOptions = {}): CleaningResult {
    const quarantine = options.quarantine ?? new Quarantine();
    const reports: CleaningStepReport[] = [];
    for (const step of this.steps) {
      const result = step.apply(table, { quarantine });
      table = result.table;
      reports.push(result.report);
    }
    return { table, reports, quarantine };
  }

  toJSON(): CleaningPlanJson {
    return {
      format: 'deepline.cleaning',
      version: 1,
      steps: this.steps.map((s) =>
        s.state === undefined ? { config: s.config } : { config: s.config, state: s.state },
      ),
    };
  }

  /** Rebuilds a plan saved with `toJSON`, validating it as it would a declaration. */
  static fromJSON(json: unknown): CleaningPlan {
    const plan = expectObject(json, 'plan', 'a cleaning plan object');
    if (plan.format !== 'deepline.cleaning' || plan.version !== 1) {
      throw new CleaningConfigError('plan', msg.badPlan('expected format "deepline.cleaning", version 1'));
    }
    if (!Array.isArray(plan.steps))
      throw new CleaningConfigError('plan.steps', msg.wrongType(plan.steps, 'a list'));
    return new CleaningPlan(
      plan.steps.map((raw, i) => {
        const path = keyPath('plan.steps', i);
        const entry = expectObject(raw, path, 'a fitted step { config, state }');
        checkKeys(entry, ['config', 'state'], path, 'fitted');
        return declare(entry.config, `${path}.config`).restore(entry.state, `${path}.state`);
      }),
    );
  }
}

/**
 * Fits each step on the training table as the earlier steps leave it (so that `impute` after
 * `coerce` sees numbers), and returns the plan.
 */
export function fitCleaning(table: Table, steps: readonly CleaningStep[]): CleaningPlan {
  const declared = declareAll(steps, 'steps');
  const fitted: FittedStep<CleaningStep>[] = [];
  declared.forEach((step, i) => {
    const fit = step.fit(table);
    fitted.push(fit);
    // The rows this pass sets aside are not the caller's: apply() reports them.
    if (i < declared.length - 1) table = fit.apply(table, { quarantine: new Quarantine() }).table;
  });
  return new CleaningPlan(fitted);
}

/** Fits the steps on `table` and applies them to it: for one-off cleaning with no test data. */
export function clean(
  table: Table,
  steps: readonly CleaningStep[],
  options: ApplyCleaningOptions = {},
): CleaningResult {
  return fitCleaning(table, steps).apply(table, options);
}
