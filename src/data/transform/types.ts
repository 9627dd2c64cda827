import type { Value } from '../table.js';
import type { Fields } from './fields.js';

/**
 * Where a column's features go: `dense` columns of the float32 feature matrix, or a separate
 * int32 model `input` (token sequences, embedding indices) that feeds an Embedding layer.
 */
export type FeatureTarget = 'dense' | 'input';

/**
 * A transform fitted on one column: every family (numbers, categories, dates, text) implements
 * it. Applying writes one value's features into a row of a buffer, so a whole table and a single
 * raw record go through exactly the same code and give the same numbers.
 */
export interface ColumnTransform {
  readonly kind: string;
  readonly column: string;
  /** The base of the feature names, and the input's name for `input` targets (the column, unless the spec names it). */
  readonly name: string;
  readonly target: FeatureTarget;
  /** How many values one row gets. */
  readonly width: number;
  readonly featureNames: readonly string[];
  /** For `input` targets: the number of distinct ids, which is the Embedding layer's inputDim. */
  readonly inputDim?: number;
  /** Writes the features of `value` into out[offset, offset + width); throws TransformError for a value of the wrong type. */
  write(value: Value | undefined, out: Float32Array | Int32Array, offset: number): void;
  toJSON(): ColumnTransformJson;
}

/** A fitted transform as saved in the model artifact: its spec with defaults filled in, and what fitting learned. */
export interface ColumnTransformJson {
  column: string;
  spec: { kind: string } & Record<string, unknown>;
  state: Record<string, unknown>;
}

/** One family of transforms: how its specs are read, fitted, and restored from JSON. */
export interface TransformFamily<S extends { kind: string }> {
  readonly kinds: readonly S['kind'][];
  /** Reads a spec with its `kind` already checked, filling in defaults; errors name the column and key. */
  readSpec(fields: Fields, kind: S['kind']): S;
  /** Fits on the training values of `column` (errors carry the row index where one is to blame). */
  fit(spec: S, column: string, values: readonly Value[]): ColumnTransform;
  /** Rebuilds a fitted transform from its saved state, checking every key. */
  restore(spec: S, column: string, state: Fields): ColumnTransform;
}

/** Reads the keys every spec may have: an optional `name` that replaces the column's in feature names. */
export function readName(fields: Fields): string | undefined {
  const name = fields.string('name');
  if (name === '') fields.fail('name', name, 'a non-empty string');
  return name;
}
