/**
 * Cleaning: declared steps (plain JSON-able objects), fitted on training data and applied
 * identically elsewhere, with every row accounted for in a report or the quarantine.
 */
export type { CoerceStep, CoerceType } from './coerce.js';
export type { DropColumnsStep, DropMissingStep, RenameColumnsStep } from './columns.js';
export type { DropDuplicatesStep } from './drop-duplicates.js';
export { CleaningConfigError, CleaningDataError, cleaningMessages, RuleSyntaxError } from './errors.js';
export type { FilterStep } from './filter.js';
export type { ImputeStep } from './impute.js';
export type { NormalizeCategoriesStep } from './normalize-categories.js';
export type { Bounds, OutliersStep } from './outliers.js';
export { dateParser, numberParser, parseIsoDate } from './parse.js';
export {
  type ApplyCleaningOptions,
  CleaningPlan,
  type CleaningPlanJson,
  type CleaningResult,
  type CleaningStep,
  clean,
  cleaningStepNames,
  fitCleaning,
  validateCleaningSteps,
} from './plan.js';
export { compileRule, parseRule, type Rule, type RuleNode } from './rule.js';
export type { CleaningStepReport } from './step.js';
export type { TrimStep } from './trim.js';
export { isMissing } from './values.js';
