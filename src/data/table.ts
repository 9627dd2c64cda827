import { ShapeError, ValueError } from '../tensor/errors.js';

/** One cell: what readers produce (strings, or typed values from JSON and SQL) and cleaning yields. */
export type Value = string | number | boolean | Date | null;

/** A row as a record of column name → value. */
export type Row = Record<string, Value>;

/** Where a row came from, for quarantine entries and error messages. */
export interface Origin {
  /** A file path, or a description such as 'sqlite:shop.db (query)'. */
  source: string;
  /** The 1-based line of the file where the row starts (records in JSON, rows in SQL). */
  line: number;
}

/**
 * A columnar table, as arquero keeps one: one array per column, all of the same length, with
 * each row's origin alongside. Tables are never changed in place; every verb returns a new one
 * (sharing the columns it does not touch).
 */
export class Table {
  readonly columnNames: readonly string[];
  readonly #columns: ReadonlyMap<string, readonly Value[]>;
  /** Each row's origin, in row order. */
  readonly origins: readonly Origin[];

  constructor(
    columns: Readonly<Record<string, readonly Value[]>> | ReadonlyMap<string, readonly Value[]>,
    origins?: readonly Origin[],
  ) {
    const map = columns instanceof Map ? new Map(columns) : new Map(Object.entries(columns));
    const lengths = [...map.values()].map((c) => c.length);
    const rows = lengths[0] ?? origins?.length ?? 0;
    for (const [name, column] of map) {
      if (column.length !== rows) {
        throw new ShapeError(
          `table: column '${name}' has ${column.length} values, expected ${rows} like the others`,
        );
      }
    }
    if (origins && origins.length !== rows) {
      throw new ShapeError(`table: ${origins.length} origins for ${rows} rows`);
    }
    this.#columns = map;
    this.columnNames = [...map.keys()];
    this.origins = origins ?? Array.from({ length: rows }, (_, i) => ({ source: '<memory>', line: i + 1 }));
  }

  /** A table from row records; columns in the order they first appear. */
  static fromRows(rows: readonly Row[], origins?: readonly Origin[]): Table {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      for (const name of Object.keys(row)) {
        if (!seen.has(name)) {
          seen.add(name);
          names.push(name);
        }
      }
    }
    const columns = new Map(names.map((name) => [name, rows.map((row) => row[name] ?? null)]));
    return new Table(columns, origins);
  }

  /** Concatenates tables with the same columns (the chunks of a streamed file). */
  static concat(tables: readonly Table[]): Table {
    if (tables.length === 0) return new Table({});
    const names = tables[0].columnNames;
    for (const t of tables) {
      if (t.columnNames.length !== names.length || t.columnNames.some((n, i) => n !== names[i])) {
        throw new ShapeError(
          `table: cannot concatenate tables with columns [${names.join(', ')}] and [${t.columnNames.join(', ')}]`,
        );
      }
    }
    const columns = new Map(names.map((name) => [name, tables.flatMap((t) => t.column(name))]));
    return new Table(
      columns,
      tables.flatMap((t) => t.origins),
    );
  }

  get numRows(): number {
    return this.origins.length;
  }

  has(name: string): boolean {
    return this.#columns.has(name);
  }

  /** The values of one column; an unknown name is an error listing the columns there are. */
  column(name: string): readonly Value[] {
    const column = this.#columns.get(name);
    if (column === undefined) {
      throw new ValueError(`table: no column '${name}'; columns are: ${this.columnNames.join(', ')}`);
    }
    return column;
  }

  row(index: number): Row {
    return Object.fromEntries(this.columnNames.map((name) => [name, this.#columns.get(name)![index]]));
  }

  *rows(): IterableIterator<Row> {
    for (let i = 0; i < this.numRows; i++) yield this.row(i);
  }

  /** The rows whose index `keep` accepts, with their origins. */
  filter(keep: (index: number) => boolean): Table {
    const indices: number[] = [];
    for (let i = 0; i < this.numRows; i++) if (keep(i)) indices.push(i);
    return this.take(indices);
  }

  /** The rows at these indices, in this order. */
  take(indices: readonly number[]): Table {
    const columns = new Map(
      this.columnNames.map((name) => {
        const column = this.#columns.get(name)!;
        return [name, indices.map((i) => column[i])];
      }),
    );
    return new Table(
      columns,
      indices.map((i) => this.origins[i]),
    );
  }

  /** The same rows with one column replaced or added (at the end). */
  withColumn(name: string, values: readonly Value[]): Table {
    const columns = new Map(this.#columns);
    columns.set(name, values);
    return new Table(columns, this.origins);
  }

  /** Only these columns, in this order. */
  select(names: readonly string[]): Table {
    return new Table(new Map(names.map((name) => [name, this.column(name)])), this.origins);
  }

  /** Every column but these. */
  drop(names: readonly string[]): Table {
    const gone = new Set(names);
    for (const name of names) this.column(name);
    return this.select(this.columnNames.filter((n) => !gone.has(n)));
  }
}
