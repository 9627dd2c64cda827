import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Origin, Table, Value } from '../table.js';
import { type AutoOptions, autoColumns, type ColumnType } from './auto.js';
import { Fields } from './fields.js';
import { FittedLabel, inferLabelKind, type LabelClass, type LabelSpec } from './label.js';
import { transformMessages as m, TransformError } from './messages.js';
import { type ColumnSpec, familyOf, readColumnSpec, type TransformSpec } from './spec.js';
import type { ColumnTransform, ColumnTransformJson } from './types.js';

/**
 * Which transforms to fit on which columns, as scikit-learn's ColumnTransformer: columns not
 * listed are left out. A column may take several transforms (a list); their features follow one
 * another. `columns: 'auto'` picks them by type (see autoColumns), from `types` where given.
 */
export interface FeatureSpec {
  columns: Readonly<Record<string, ColumnSpec | readonly ColumnSpec[]>> | 'auto';
  /** The target; a column name alone infers the kind (see inferLabelKind). */
  label?: LabelSpec | string;
  /** For `columns: 'auto'`: column types that override inference, such as a profiler's. */
  types?: Readonly<Record<string, ColumnType>>;
}

/**
 * Model inputs and targets. `x` is float32 [n, features] when every column goes to the dense
 * matrix; when some go to separate inputs (token sequences, embedding indices) `x` holds one
 * tensor per input: `features` for the dense matrix (if any), then each such column by name.
 */
export interface Features {
  x: Tensor | Record<string, Tensor>;
  /** Present when the label column is in the table, or the label key in the record. */
  y?: Tensor;
}

/** Per-example shapes (no batch dimension), keyed as in Features. */
export interface OutputShapes {
  x: number[] | Record<string, number[]>;
  y?: number[];
}

export interface FeaturesJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  columns: ColumnTransformJson[];
  label?: Record<string, unknown>;
  /** Columns left out, with why. */
  dropped: Record<string, string>;
}

const FORMAT = 'deepline.features';
const VERSION = 1;
/** The key of the dense matrix in `x` when there are separate inputs too. */
export const DENSE_INPUT = 'features';

type Raw = Record<string, Value | undefined>;

export class FeaturePipeline {
  /** The columns as given, each spec checked and completed with its defaults; 'auto' until fitted. */
  readonly columns: Readonly<Record<string, readonly ColumnSpec[]>> | 'auto';
  readonly label: LabelSpec | string | undefined;
  readonly types: Readonly<Record<string, ColumnType>> | undefined;

  constructor(spec: FeatureSpec | 'auto') {
    const f = new Fields('featurePipeline', spec === 'auto' ? { columns: 'auto' } : spec);
    const columns = f.raw('columns');
    this.columns = columns === 'auto' ? 'auto' : readColumns(columns);
    this.label = readLabel(f.raw('label'));
    const types = f.raw('types');
    if (types !== undefined) {
      if (columns !== 'auto') f.fail('types', types, "to come with columns: 'auto'");
      this.types = readTypes(new Fields('featurePipeline: types', types));
    }
    f.finish();
    if (this.columns !== 'auto') {
      const label = typeof this.label === 'string' ? this.label : this.label?.column;
      if (label !== undefined && Object.hasOwn(this.columns, label))
        throw new TransformError(m.labelInColumns(label), label);
    }
  }

  /** Learns every transform's statistics and vocabularies from `table` (the training split only). */
  fit(table: Table): FittedFeatures {
    const labelColumn = typeof this.label === 'string' ? this.label : this.label?.column;
    let columns = this.columns;
    if (columns === 'auto') {
      const options: AutoOptions = { label: labelColumn, types: this.types };
      columns = readColumns(autoColumns(table, options));
    }
    const transforms: ColumnTransform[] = [];
    const dropped: Record<string, string> = {};
    for (const [column, specs] of Object.entries(columns)) {
      for (const spec of specs) {
        if (spec.kind === 'drop') {
          dropped[column] = spec.reason ?? 'dropped by the spec';
          continue;
        }
        const values = columnOf(table, column);
        transforms.push(withOrigins(table.origins, () => familyOf(spec.kind).fit(spec, column, values)));
      }
    }
    let label: FittedLabel | undefined;
    if (labelColumn !== undefined) {
      const values = columnOf(table, labelColumn);
      const spec: LabelSpec =
        typeof this.label === 'string' ? { column: labelColumn, kind: inferLabelKind(values) } : this.label!;
      label = withOrigins(table.origins, () => FittedLabel.fit(spec, values));
    }
    return new FittedFeatures(transforms, label, dropped);
  }
}

/** A feature pipeline to fit: `featurePipeline({ columns: { Age: { kind: 'standard' } }, label: 'Churn' })`. */
export const featurePipeline = (spec: FeatureSpec | 'auto'): FeaturePipeline => new FeaturePipeline(spec);

/**
 * Fitted transforms: apply them to a table (training, validation, test) or to one raw record
 * (serving), save them with the model, and map predicted classes back to labels.
 */
export class FittedFeatures {
  readonly transforms: readonly ColumnTransform[];
  readonly label: FittedLabel | undefined;
  readonly dropped: Readonly<Record<string, string>>;
  /** The columns of the dense matrix, in order. Separate inputs are named in `inputNames`. */
  readonly featureNames: readonly string[];
  /** The keys of `x` when it is a record, in order; empty when `x` is one tensor. */
  readonly inputNames: readonly string[];
  readonly #dense: readonly { transform: ColumnTransform; offset: number }[];
  readonly #inputs: readonly ColumnTransform[];

  constructor(
    transforms: readonly ColumnTransform[],
    label: FittedLabel | undefined,
    dropped: Record<string, string>,
  ) {
    this.transforms = transforms;
    this.label = label;
    this.dropped = dropped;
    let offset = 0;
    this.#dense = transforms
      .filter((t) => t.target === 'dense')
      .map((transform) => {
        const placed = { transform, offset };
        offset += transform.width;
        return placed;
      });
    this.#inputs = transforms.filter((t) => t.target === 'input');
    this.featureNames = this.#dense.flatMap(({ transform }) => transform.featureNames);
    this.inputNames =
      this.#inputs.length === 0
        ? []
        : [...(this.#dense.length > 0 ? [DENSE_INPUT] : []), ...this.#inputs.map((t) => t.name)];
    const owners = new Map<string, string>();
    const claim = (name: string, column: string) => {
      const owner = owners.get(name);
      if (owner !== undefined) throw new TransformError(m.duplicateFeature(name, [owner, column]), column);
      owners.set(name, column);
    };
    for (const { transform } of this.#dense)
      for (const name of transform.featureNames) claim(name, transform.column);
    // Input names live apart from feature names: only the dense matrix's own key can clash.
    owners.clear();
    if (this.#dense.length > 0) owners.set(DENSE_INPUT, `(dense matrix '${DENSE_INPUT}')`);
    for (const t of this.#inputs) claim(t.name, t.column);
  }

  /** The number of dense features. */
  get numFeatures(): number {
    return this.featureNames.length;
  }

  get outputShapes(): OutputShapes {
    const x =
      this.inputNames.length === 0
        ? [this.numFeatures]
        : Object.fromEntries(
            this.inputNames.map((name) => [
              name,
              [name === DENSE_INPUT ? this.numFeatures : this.#input(name).width],
            ]),
          );
    return this.label ? { x, y: this.label.shape } : { x };
  }

  /** The Embedding inputDim of each separate input: vocabulary or category count, reserved ids included. */
  get inputDims(): Record<string, number> {
    return Object.fromEntries(this.#inputs.map((t) => [t.name, t.inputDim!]));
  }

  /**
   * Features of every row (and labels, if the table has the label column). A column the
   * transforms need must be there; a value of the wrong type is an error naming the column, the
   * value and the row's origin.
   */
  transform(table: Table): Features {
    const hasLabel = this.label !== undefined && table.has(this.label.column);
    return this.#apply(table.numRows, (column) => columnOf(table, column), hasLabel, table.origins);
  }

  /** Features of one raw record, as a batch of one; an absent key reads as a missing value. */
  transformRecord(row: Readonly<Raw>): Features {
    const hasLabel = this.label !== undefined && row[this.label.column] !== undefined;
    return this.#apply(1, (column) => [row[column]], hasLabel);
  }

  /** The class that a predicted index stands for (for `binary`, 1 is the positive class). */
  inverseLabel(index: number): LabelClass {
    if (this.label === undefined) throw new TransformError(m.noLabel());
    return this.label.inverse(index);
  }

  #input(name: string): ColumnTransform {
    return this.#inputs.find((t) => t.name === name)!;
  }

  #apply(
    n: number,
    columnValues: (column: string) => readonly (Value | undefined)[],
    hasLabel: boolean,
    origins?: readonly Origin[],
  ): Features {
    const run = (fill: (i: number) => void) => {
      let i = 0;
      try {
        for (; i < n; i++) fill(i);
      } catch (error) {
        if (error instanceof TransformError && origins) {
          throw new TransformError(m.atRow(error.message, origins[i]), error.column, i);
        }
        throw error;
      }
    };
    const width = this.numFeatures;
    const dense = new Float32Array(n * width);
    for (const { transform, offset } of this.#dense) {
      const values = columnValues(transform.column);
      run((i) => transform.write(values[i], dense, i * width + offset));
    }
    const inputs: Record<string, Tensor> = {};
    if (this.#dense.length > 0) inputs[DENSE_INPUT] = tensor(dense, { shape: [n, width] });
    for (const transform of this.#inputs) {
      const values = columnValues(transform.column);
      const ids = new Int32Array(n * transform.width);
      run((i) => transform.write(values[i], ids, i * transform.width));
      inputs[transform.name] = tensor(ids, { shape: [n, transform.width] });
    }
    const x = this.#inputs.length === 0 ? tensor(dense, { shape: [n, width] }) : inputs;
    if (!hasLabel || this.label === undefined) return { x };
    const label = this.label;
    const values = columnValues(label.column);
    const encoded = new Array<number>(n);
    run((i) => {
      encoded[i] = label.encode(values[i]);
    });
    return { x, y: label.tensor(encoded) };
  }

  toJSON(): FeaturesJson {
    const json: FeaturesJson = {
      format: FORMAT,
      version: VERSION,
      columns: this.transforms.map((t) => t.toJSON()),
      dropped: { ...this.dropped },
    };
    if (this.label) json.label = this.label.toJSON();
    return json;
  }

  /** Fitted features from `toJSON()`'s output (parsed), every key checked: nothing in it is executed. */
  static fromJSON(json: unknown): FittedFeatures {
    const where = 'FittedFeatures.fromJSON';
    const f: Fields = new Fields(where, json);
    const format = f.raw('format');
    if (format !== FORMAT) throw new TransformError(m.format(where, format, FORMAT));
    const version = f.raw('version');
    if (version !== VERSION) throw new TransformError(m.version(where, version, VERSION));
    const columns = f.raw('columns');
    if (!Array.isArray(columns)) f.fail('columns', columns, 'an array of fitted column transforms');
    const transforms = columns.map((entry: unknown, i: number) => {
      const e = new Fields(`${where}: columns[${i}]`, entry);
      const column = e.requiredString('column');
      const at = `${where}: column '${column}'`;
      const spec = readColumnSpec(`${at} spec`, e.raw('spec'));
      if (spec.kind === 'drop') e.fail('spec', spec, 'a transform, not a drop');
      const transform = familyOf(spec.kind).restore(
        spec as TransformSpec,
        column,
        new Fields(`${at} state`, e.raw('state')),
      );
      e.finish();
      return transform;
    });
    const rawLabel = f.raw('label');
    const label = rawLabel === undefined ? undefined : FittedLabel.fromJSON(rawLabel, `${where}: label`);
    const d = new Fields(`${where}: dropped`, f.raw('dropped') ?? {});
    const dropped = Object.fromEntries(d.keys().map((k) => [k, d.requiredString(k)]));
    f.finish();
    return new FittedFeatures(transforms, label, dropped);
  }
}

function readColumns(columns: unknown): Record<string, readonly ColumnSpec[]> {
  const f = new Fields('featurePipeline: columns', columns);
  const out: Record<string, readonly ColumnSpec[]> = {};
  for (const column of f.keys()) {
    const value = f.raw(column);
    const where = `featurePipeline: column '${column}'`;
    out[column] = Array.isArray(value)
      ? value.map((spec: unknown, i) => readColumnSpec(`${where} [${i}]`, spec))
      : [readColumnSpec(where, value)];
  }
  return out;
}

function readLabel(label: unknown): LabelSpec | string | undefined {
  if (label === undefined || typeof label === 'string') return label;
  const f = new Fields('featurePipeline: label', label);
  const column = f.requiredString('column');
  const kind = f.requiredOneOf('kind', ['index', 'binary', 'number'] as const);
  const positive = f.string('positive');
  if (positive !== undefined && kind !== 'binary')
    f.fail('positive', positive, "to come with kind: 'binary'");
  f.finish();
  return positive === undefined ? { column, kind } : { column, kind, positive };
}

const TYPES: readonly ColumnType[] = [
  'number',
  'integer',
  'category',
  'boolean',
  'text',
  'date',
  'datetime',
  'identifier',
  'ignore',
];

function readTypes(f: Fields): Record<string, ColumnType> {
  return Object.fromEntries(f.keys().map((k) => [k, f.oneOf(k, TYPES)!]));
}

function columnOf(table: Table, column: string): readonly Value[] {
  if (!table.has(column)) throw new TransformError(m.noColumn(column, table.columnNames), column);
  return table.column(column);
}

/** Runs a fit, adding the origin of the row that an error blames. */
function withOrigins<T>(origins: readonly Origin[], fitting: () => T): T {
  try {
    return fitting();
  } catch (error) {
    if (error instanceof TransformError && error.row !== undefined && origins[error.row]) {
      throw new TransformError(m.atRow(error.message, origins[error.row]), error.column, error.row);
    }
    throw error;
  }
}
