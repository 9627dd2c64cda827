import { DataError, readMessages } from './read-errors.js';
import { type Origin, Table, type Value } from './table.js';

/** Rows per streamed chunk unless a reader is told otherwise. */
export const defaultChunkRows = 50_000;

export function checkChunkRows(reader: string, chunkRows: number | undefined): number {
  const rows = chunkRows ?? defaultChunkRows;
  if (!Number.isInteger(rows) || rows < 1) {
    throw new DataError(readMessages.badOption(reader, 'chunkRows', chunkRows, 'a positive integer'));
  }
  return rows;
}

/**
 * Column names a Table can hold: a blank name becomes `column_<position>` and a repeated one
 * gets `_2`, `_3`… (a Table is keyed by name, so a second 'id' would silently replace the first).
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw, i) => {
    const base = raw.trim() === '' ? `column_${i + 1}` : raw;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  });
}

/** Collects rows column by column and hands them out as Tables of at most `chunkRows` rows. */
export class ChunkBuilder {
  readonly names: string[];
  #columns: Value[][];
  #origins: Origin[] = [];

  constructor(names: readonly string[]) {
    this.names = [...names];
    this.#columns = this.names.map(() => []);
  }

  get size(): number {
    return this.#origins.length;
  }

  /** Appends a row given as values in column order. */
  push(values: readonly Value[], origin: Origin): void {
    for (let c = 0; c < this.#columns.length; c++) this.#columns[c].push(values[c]);
    this.#origins.push(origin);
  }

  /** Adds a column that earlier rows did not have (they get null). */
  addColumn(name: string): number {
    this.names.push(name);
    this.#columns.push(new Array<Value>(this.#origins.length).fill(null));
    return this.names.length - 1;
  }

  /** The rows so far as a Table; the builder starts over, keeping its columns. */
  take(): Table {
    const table = new Table(new Map(this.names.map((name, c) => [name, this.#columns[c]])), this.#origins);
    this.#columns = this.names.map(() => []);
    this.#origins = [];
    return table;
  }
}

/**
 * Concatenates chunks whose columns only grew from one chunk to the next (JSON Lines), giving
 * earlier chunks the later columns as nulls.
 */
export function concatGrowing(chunks: readonly Table[]): Table {
  if (chunks.length === 0) return new Table({});
  const names = chunks[chunks.length - 1].columnNames;
  return Table.concat(
    chunks.map((chunk) => {
      let padded = chunk;
      for (const name of names) {
        if (!padded.has(name)) padded = padded.withColumn(name, new Array<Value>(chunk.numRows).fill(null));
      }
      return padded.select(names);
    }),
  );
}
