import { ValueError } from '../../tensor/errors.js';
import type { Origin } from '../table.js';

/**
 * A value a fitted transform cannot take (text in a number column, an unreadable date, a label
 * never seen in training), or a spec or JSON that does not describe a transform. Carries the
 * column so that callers (the cleaning step, the server's 400 body) can point at it.
 */
export class TransformError extends ValueError {
  override name = 'TransformError';
  readonly column: string | undefined;
  /** The 0-based index of the row in the values being fitted, where known. */
  readonly row: number | undefined;

  constructor(message: string, column?: string, row?: number) {
    super(message);
    this.column = column;
    this.row = row;
  }
}

/** A value as it reads in a message: strings quoted, dates in ISO form. */
export function show(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

const list = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

/** The transforms' messages, in one place so tests can assert against them. */
export const transformMessages = {
  wrongType: (column: string, kind: string, value: unknown, expected: string) =>
    `column '${column}' (${kind}): value ${show(value)} is not ${expected}; ` +
    'quarantine such rows in the cleaning step, or declare the column with another kind',
  missing: (column: string, kind: string) =>
    `column '${column}' (${kind}): a value is missing and the spec declares no fill; ` +
    "set fill: 'mean' | 'median' | 'constant' (and indicator: true to keep the fact), or fill it in the cleaning step",
  missingDate: (column: string) =>
    `column '${column}' (date): a value is missing; set indicator: true to accept missing dates ` +
    '(their features become 0 and the indicator 1), or fill them in the cleaning step',
  negativeLog: (column: string, value: number) =>
    `column '${column}' (log): value ${value} is negative and log1p needs values ≥ 0; ` +
    "set negative: 'shift' to shift by the training minimum, or clip the column in the cleaning step",
  nothingToFit: (column: string, kind: string) =>
    `column '${column}' (${kind}): no values to fit on (every value is missing)`,
  atRow: (message: string, origin: Origin) => `${message} (row at ${origin.source}:${origin.line})`,
  atIndex: (message: string, row: number) => `${message} (row ${row + 1})`,
  invalid: (where: string, key: string, got: unknown, expected: string) =>
    `${where}: ${key} is ${show(got)}, expected ${expected}`,
  missingKey: (where: string, key: string, expected: string) =>
    `${where}: ${key} is missing, expected ${expected}`,
  unknownKeys: (where: string, unknown: readonly string[], known: readonly string[]) =>
    `${where}: unknown key${unknown.length > 1 ? 's' : ''} ${list(unknown)}; known keys are ${list(known)}`,
  unknownKind: (where: string, kind: unknown, known: readonly string[]) =>
    `${where}: kind is ${show(kind)}, expected one of ${list(known)}`,
  conflict: (where: string, a: string, b: string) => `${where}: ${a} and ${b} cannot be given together`,
  noColumn: (column: string, columns: readonly string[]) =>
    `features: the table has no column '${column}'; columns are: ${columns.join(', ')}`,
  duplicateFeature: (feature: string, columns: readonly string[]) =>
    `features: columns ${list(columns)} both produce the feature or input '${feature}'; ` +
    'give one of them a different name in its spec',
  labelInColumns: (column: string) =>
    `featurePipeline: column '${column}' is the label and cannot also be a feature column`,
  unknownLabel: (column: string, value: unknown, classes: readonly unknown[]) =>
    `label '${column}': value ${show(value)} was not seen in training; classes are ${classes.map(show).join(', ')}`,
  missingLabel: (column: string) => `label '${column}': a value is missing; every row needs a label`,
  binaryClasses: (column: string, classes: readonly unknown[]) =>
    `label '${column}' (binary): expected exactly two classes in training, found ${classes.length}` +
    (classes.length > 0 ? `: ${classes.map(show).join(', ')}` : '') +
    "; use kind: 'index' for more classes",
  notClassification: (column: string) =>
    `inverseLabel: label '${column}' is a number (regression); only 'index' and 'binary' labels have classes`,
  noLabel: () => 'inverseLabel: the pipeline was fitted without a label',
  labelIndex: (column: string, index: unknown, classes: number) =>
    `inverseLabel: ${show(index)} is not a class index of label '${column}' (expected an integer in 0..${classes - 1})`,
  version: (what: string, got: unknown, supported: number) =>
    `${what}: version ${show(got)} is not supported; this Deepline reads version ${supported} ` +
    '(save the artifact again with a matching Deepline)',
  format: (what: string, got: unknown, expected: string) =>
    `${what}: format is ${show(got)}, expected '${expected}'`,
  imageShape: (what: string, shape: readonly number[], channels?: number) =>
    `${what}: images have shape [${shape.join(', ')}], expected [n, height, width, channels]` +
    (channels === undefined ? '' : ` with ${channels} channels (as in training)`),
};
