import { ValueError } from '../../tensor/errors.js';
import type { Origin } from '../table.js';

/**
 * A step declaration that cannot be used: an unknown step, a misspelt key, a value of the wrong
 * kind. `key` is the path of the offending key (`steps[2].strategy`), so that a pipeline file's
 * author can find it.
 */
export class CleaningConfigError extends ValueError {
  override name = 'CleaningConfigError';
  readonly key: string;

  constructor(key: string, message: string) {
    super(`${key}: ${message}`);
    this.key = key;
  }
}

/** A filter rule that does not parse; `position` is the 0-based index in `rule` where it fails. */
export class RuleSyntaxError extends CleaningConfigError {
  override name = 'RuleSyntaxError';
  readonly rule: string;
  readonly position: number;

  constructor(key: string, rule: string, position: number, problem: string) {
    super(key, `${problem} at character ${position + 1}\n  ${rule}\n  ${' '.repeat(position)}^`);
    this.rule = rule;
    this.position = position;
  }
}

/**
 * Data that a step cannot handle: a column the table lacks, text where a step needs numbers, or a
 * value that does not coerce under `onError: 'error'`. Names the row's file and line where there
 * is one.
 */
export class CleaningDataError extends ValueError {
  override name = 'CleaningDataError';
  readonly origin: Origin | undefined;

  constructor(step: string, message: string, origin?: Origin) {
    super(origin ? `${step}: ${origin.source}:${origin.line}: ${message}` : `${step}: ${message}`);
    this.origin = origin;
  }
}

const list = (items: readonly string[]) => items.map((s) => `'${s}'`).join(', ');

/** Every cleaning message in one place, so that tests can assert against them. */
export const cleaningMessages = {
  notObject: (what: string, got: unknown) =>
    `expected ${what}, got ${got === null ? 'null' : Array.isArray(got) ? 'an array' : typeof got}`,
  unknownStep: (name: unknown, known: readonly string[], suggestion: string | undefined) =>
    `unknown step ${JSON.stringify(name)}${suggestion ? `; did you mean '${suggestion}'?` : ''} ` +
    `(steps are ${list(known)})`,
  unknownKey: (step: string, known: readonly string[], suggestion: string | undefined) =>
    `unknown key in a ${step} step${suggestion ? `; did you mean '${suggestion}'?` : ''} ` +
    `(keys are ${list(known)})`,
  missingKey: (step: string) => `required by a ${step} step, but missing`,
  notOneOf: (got: unknown, options: readonly string[]) =>
    `${JSON.stringify(got)} is not one of ${list(options)}`,
  wrongType: (got: unknown, expected: string) => `${JSON.stringify(got)} is not ${expected}`,
  onlyWith: (key: string, other: string, value: string) => `${key} is only used with ${other} '${value}'`,
  emptyList: () => 'must list at least one column',
  duplicateColumn: (column: string) => `lists column '${column}' twice`,
  noColumn: (column: string, columns: readonly string[]) =>
    `column '${column}' is not in the table; columns are: ${columns.join(', ')}`,
  columnExists: (column: string) =>
    `column '${column}' already exists; choose another name for the new column`,
  notFlags: (column: string, value: string) =>
    `column '${column}' already exists and holds ${value}, not true/false flags; choose another flagColumn`,
  needsNumbers: (column: string, value: string) =>
    `column ${column} holds ${value}, not a number; coerce it to 'number' first`,
  nothingToFit: (column: string, what: string) =>
    `column ${column} has no values to compute the ${what} from`,
  notParsed: (column: string, value: string, problem: string) => `column ${column}: ${value} ${problem}`,
  badDateFormat: (format: string, problem: string) => `date format '${format}' ${problem}`,
  separatorsClash: (separator: string) =>
    `thousands and decimal separators are both ${JSON.stringify(separator)}; they must differ`,
  booleanOverlap: (word: string) => `'${word}' is listed as both true and false`,
  mapClash: (key: string, a: string, b: string) =>
    `synonyms normalise to the same '${key}' but map to different categories '${a}' and '${b}'`,
  incomparable: (column: string, value: string, op: string, other: string) =>
    `cannot compare ${column} = ${value} with ${other} using '${op}'; coerce the column first`,
  badPlan: (problem: string) => `not a cleaning plan: ${problem}`,
};
