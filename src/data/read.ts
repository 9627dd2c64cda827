import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type CsvOptions, readCsv, readCsvChunks } from './csv.js';
import { type JsonOptions, readJson, readJsonLines, readJsonLinesChunks } from './json.js';
import { DataError, readMessages } from './read-errors.js';
import {
  listTables,
  readSql,
  readSqlChunks,
  type SqlEngine,
  type SqlOptions,
  type SqlParams,
  sqlEngineOf,
} from './sql.js';
import type { Table } from './table.js';
import { readTextFile, readTextFileChunks, readTextFolder, type TextFolderOptions } from './text.js';

export { DataError } from './read-errors.js';

/** The options of every reader; each format takes the ones it knows. */
export interface ReadOptions
  extends CsvOptions,
    Omit<JsonOptions, keyof CsvOptions>,
    Omit<TextFolderOptions, keyof CsvOptions> {
  /** For a database file: the query to run (readTable cannot guess which table is meant). */
  query?: string;
  params?: SqlParams;
  engine?: SqlEngine;
  /** Read the file as this format whatever its name says: for a file with no extension. */
  format?: TextFormat;
}

type Format = TextFormat | 'database' | 'parquet';
/** The formats a file can be declared to have; a database or Parquet file is known by its name. */
export type TextFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'text';

const formats: Record<string, Format> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  txt: 'text',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  db: 'database',
  sqlite: 'database',
  sqlite3: 'database',
  duckdb: 'database',
  parquet: 'parquet',
};

const known =
  '.csv, .tsv, .tab, .txt (one document per line, or delimited when delimiter is given), .json, ' +
  '.jsonl, .ndjson (each also gzipped, as .gz), .db, .sqlite, .sqlite3, .duckdb (with a query), ' +
  '.parquet, and folders of text files';

/**
 * Reads a file or folder into a Table, choosing the reader by extension: see `readCsv`,
 * `readJson`, `readJsonLines`, `readTextFile`, `readTextFolder` and `readSql` for what each
 * returns. A database needs `query`; the error says which tables there are.
 */
export async function readTable(path: string, options: ReadOptions = {}): Promise<Table> {
  switch (await formatOf(path, options)) {
    case 'folder':
      return readTextFolder(path, options);
    case 'csv':
      return readCsv(path, options);
    case 'tsv':
      return readCsv(path, { delimiter: '\t', ...options });
    case 'text':
      return readTextFile(path, options);
    case 'json':
      return readJson(path, options);
    case 'jsonl':
      return readJsonLines(path, options);
    case 'parquet':
      return readSql(parquetOptions(path, options));
    case 'database':
      return readSql(await sqlOptions(path, options));
  }
}

/** Streams a file as Tables of at most `chunkRows` rows; JSON documents and folders come as one. */
export async function* readTableChunks(path: string, options: ReadOptions = {}): AsyncGenerator<Table> {
  switch (await formatOf(path, options)) {
    case 'folder':
      yield await readTextFolder(path, options);
      return;
    case 'csv':
      yield* readCsvChunks(path, options);
      return;
    case 'tsv':
      yield* readCsvChunks(path, { delimiter: '\t', ...options });
      return;
    case 'text':
      yield* readTextFileChunks(path, options);
      return;
    case 'json':
      yield await readJson(path, options);
      return;
    case 'jsonl':
      yield* readJsonLinesChunks(path, options);
      return;
    case 'parquet':
      yield* readSqlChunks(parquetOptions(path, options));
      return;
    case 'database':
      yield* readSqlChunks(await sqlOptions(path, options));
      return;
  }
}

async function formatOf(path: string, options: ReadOptions): Promise<Format | 'folder'> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new DataError(readMessages.missing(path));
  if (info.isDirectory()) return 'folder';
  if (options.format !== undefined) return options.format;
  const parts = basename(path).toLowerCase().split('.');
  if (parts.at(-1) === 'gz') parts.pop();
  const format = parts.length > 1 ? formats[parts.at(-1)!] : undefined;
  if (format === undefined) throw new DataError(readMessages.unknownFormat(path, known));
  if (format === 'text' && options.delimiter !== undefined) return 'csv';
  return format;
}

async function sqlOptions(path: string, options: ReadOptions): Promise<SqlOptions> {
  const engine = options.engine ?? sqlEngineOf(path) ?? 'sqlite';
  if (options.query === undefined) {
    throw new DataError(
      readMessages.needsQuery(
        path,
        engine === 'sqlite' ? 'SQLite' : 'DuckDB',
        await listTables(path, engine),
      ),
    );
  }
  return {
    database: path,
    query: options.query,
    engine,
    params: options.params,
    chunkRows: options.chunkRows,
  };
}

function parquetOptions(path: string, options: ReadOptions): SqlOptions {
  // DuckDB takes the path as a string literal; doubling quotes is SQL's own escaping.
  const query = `select * from read_parquet('${path.replaceAll("'", "''")}')`;
  return { query, engine: 'duckdb', name: path, chunkRows: options.chunkRows };
}
