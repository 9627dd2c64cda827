import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Value } from '../table.js';
import { Fields } from './fields.js';
import { transformMessages as m, TransformError } from './messages.js';
import { categoryKey, compareText, isMissing, readColumn, toNumber } from './values.js';

/**
 * The target column.
 * - `index`: class indices, int32 [n] (for sparseCategoricalCrossentropy).
 * - `binary`: 1 for the `positive` class, 0 for the other, float32 [n, 1] (for
 *   binaryCrossentropy).
 * - `number`: the value, float32 [n, 1] (regression).
 *
 * Classes are sorted: numerically when every class reads as a number, otherwise in code-unit
 * order (as scikit-learn's LabelEncoder). So without `positive` a binary label's positive class
 * is the second one: 1 of 0/1, 'Yes' of 'No'/'Yes', true of false/true.
 */
export interface LabelSpec {
  column: string;
  kind: 'index' | 'binary' | 'number';
  /** For `binary`: the class that is 1. */
  positive?: string;
}

/** A class as first seen in training: what inverseLabel gives back. */
export type LabelClass = string | number | boolean;

export class FittedLabel {
  readonly column: string;
  readonly kind: LabelSpec['kind'];
  /** For `index` and `binary`, each class as first seen in training, in index order. */
  readonly classes: readonly LabelClass[];
  readonly #index: ReadonlyMap<string, number>;

  constructor(column: string, kind: LabelSpec['kind'], classes: readonly LabelClass[]) {
    this.column = column;
    this.kind = kind;
    this.classes = classes;
    this.#index = new Map(classes.map((c, i) => [String(c), i]));
  }

  static fit(spec: LabelSpec, values: readonly Value[]): FittedLabel {
    const { column, kind } = spec;
    if (kind === 'number') {
      readColumn(values, (v) => numberLabel(v, column));
      return new FittedLabel(column, kind, []);
    }
    const firstSeen = new Map<string, LabelClass>();
    readColumn(values, (v) => {
      const key = categoryKey(v);
      if (key === null) throw new TransformError(m.missingLabel(column), column);
      if (!firstSeen.has(key)) firstSeen.set(key, v instanceof Date ? key : (v as LabelClass));
    });
    const keys = sortClasses([...firstSeen.keys()]);
    if (kind === 'binary') {
      const positive = spec.positive;
      if (keys.length !== 2 || (positive !== undefined && !keys.includes(positive))) {
        throw new TransformError(m.binaryClasses(column, keys), column);
      }
      if (positive !== undefined && keys[1] !== positive) keys.reverse();
    }
    return new FittedLabel(
      column,
      kind,
      keys.map((k) => firstSeen.get(k)!),
    );
  }

  get shape(): number[] {
    return this.kind === 'index' ? [] : [1];
  }

  encode(value: Value | undefined): number {
    if (this.kind === 'number') return numberLabel(value, this.column);
    const key = categoryKey(value);
    if (key === null) throw new TransformError(m.missingLabel(this.column), this.column);
    const index = this.#index.get(key);
    if (index === undefined)
      throw new TransformError(m.unknownLabel(this.column, value, this.classes), this.column);
    return index;
  }

  /** y for these values: int32 [n] for `index`, float32 [n, 1] otherwise. */
  tensor(values: readonly number[]): Tensor {
    return this.kind === 'index'
      ? tensor(Int32Array.from(values), { shape: [values.length] })
      : tensor(Float32Array.from(values), { shape: [values.length, 1] });
  }

  inverse(index: number): LabelClass {
    if (this.kind === 'number') throw new TransformError(m.notClassification(this.column), this.column);
    if (!Number.isInteger(index) || index < 0 || index >= this.classes.length) {
      throw new TransformError(m.labelIndex(this.column, index, this.classes.length), this.column);
    }
    return this.classes[index];
  }

  toJSON(): Record<string, unknown> {
    return { column: this.column, kind: this.kind, classes: [...this.classes] };
  }

  static fromJSON(json: unknown, where: string): FittedLabel {
    const f: Fields = new Fields(where, json);
    const column = f.requiredString('column');
    const kind = f.requiredOneOf('kind', ['index', 'binary', 'number'] as const);
    const classes = f.raw('classes');
    const isClass = (c: unknown) => typeof c === 'string' || typeof c === 'boolean' || Number.isFinite(c);
    if (!Array.isArray(classes) || !classes.every(isClass)) {
      f.fail('classes', classes, 'an array of strings, numbers or booleans');
    }
    if (kind === 'binary' && classes.length !== 2)
      f.fail('classes', classes, 'two classes for a binary label');
    f.finish();
    return new FittedLabel(column, kind, classes as LabelClass[]);
  }
}

function numberLabel(value: Value | undefined, column: string): number {
  const x = toNumber(value, column, 'label');
  if (x === null) throw new TransformError(m.missingLabel(column), column);
  return x;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function sortClasses(keys: string[]): string[] {
  if (keys.every((k) => NUMERIC.test(k)))
    return keys.sort((a, b) => Number(a) - Number(b) || compareText(a, b));
  return keys.sort(compareText);
}

/**
 * A label kind from the training values: `binary` for two classes, `number` for numbers with
 * more than 10 distinct values or any fraction, `index` otherwise.
 */
export function inferLabelKind(values: readonly Value[]): LabelSpec['kind'] {
  const distinct = new Set<string>();
  let numeric = true;
  let whole = true;
  for (const v of values) {
    if (isMissing(v)) continue;
    const key = categoryKey(v)!;
    distinct.add(key);
    if (!NUMERIC.test(key.trim())) numeric = false;
    else if (!Number.isInteger(Number(key))) whole = false;
  }
  if (distinct.size === 2) return 'binary';
  if (numeric && distinct.size > 0 && (!whole || distinct.size > 10)) return 'number';
  return 'index';
}
