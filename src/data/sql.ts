import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  JSDuckDBValueConverter,
  JsonDuckDBValueConverter,
  ResultReturnType,
} from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { ChunkBuilder, checkChunkRows, uniqueNames } from './read-chunks.js';
import { DataError, readMessages } from './read-errors.js';
import { Table, type Value } from './table.js';

export { DataError } from './read-errors.js';

export type SqlEngine = 'sqlite' | 'duckdb';
export type SqlParam = string | number | bigint | boolean | null;
/** Positional (`?`, `$1`) or named (`:name`, `$name`) parameters. */
export type SqlParams = readonly SqlParam[] | Readonly<Record<string, SqlParam>>;

export interface SqlOptions {
  /**
   * The database file, opened read-only. For DuckDB it may be omitted (an in-memory database)
   * when the query reads files itself: `select * from 'sales.parquet'`.
   */
  database?: string;
  query: string;
  /** Inferred from the extension when absent: .db/.sqlite/.sqlite3 → sqlite, .duckdb → duckdb. */
  engine?: SqlEngine;
  params?: SqlParams;
  /** Rows per chunk for readSqlChunks. Default 50,000. */
  chunkRows?: number;
  /** How errors and origins name the data. Default: the database path. */
  name?: string;
}

const engines: Record<string, SqlEngine> = {
  '.db': 'sqlite',
  '.sqlite': 'sqlite',
  '.sqlite3': 'sqlite',
  '.duckdb': 'duckdb',
};

/** The engine a database file's extension implies, if any. */
export function sqlEngineOf(path: string): SqlEngine | undefined {
  return engines[extname(path).toLowerCase()];
}

/**
 * Runs a query and returns its rows as a Table of typed values: numbers, strings, booleans,
 * null, and Dates for DATE and TIMESTAMP columns. A 64-bit integer becomes a number when it is
 * exactly representable, else its decimal string; a BLOB becomes base64 text; a nested DuckDB
 * value (LIST, STRUCT, MAP) becomes its JSON text. Each row's origin is the database and query,
 * with the row's 1-based position as its line.
 */
export async function readSql(options: SqlOptions): Promise<Table> {
  const chunks: Table[] = [];
  for await (const chunk of readSqlChunks(options)) chunks.push(chunk);
  return Table.concat(chunks);
}

/** Streams a query's rows as Tables of at most `chunkRows` rows (at least one, possibly empty). */
export async function* readSqlChunks(options: SqlOptions): AsyncGenerator<Table> {
  const chunkRows = checkChunkRows('readSql', options.chunkRows);
  const path = options.database ?? ':memory:';
  const engine =
    options.engine ?? sqlEngineOf(path) ?? (options.database === undefined ? 'duckdb' : undefined);
  if (engine === undefined) throw new DataError(readMessages.sqlEngine(path));
  if (engine !== 'sqlite' && engine !== 'duckdb') {
    throw new DataError(readMessages.badOption('readSql', 'engine', engine, "'sqlite' or 'duckdb'"));
  }
  if (path !== ':memory:') await mustExist(path);
  // Errors and origins start with the path; an in-memory database gets a name a person can read.
  const shown = options.name ?? (path === ':memory:' ? 'in-memory database' : path);
  const source = {
    source: `${engine}:${shown} (query)`,
    path,
    shown,
    engine,
    query: options.query,
    chunkRows,
  };
  if (engine === 'sqlite') yield* sqliteChunks(source, options.params);
  else yield* duckdbChunks(source, options.params);
}

/** The tables of a database file, for messages that suggest a query. */
export async function listTables(path: string, engine: SqlEngine): Promise<string[]> {
  const query =
    engine === 'sqlite'
      ? "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%' order by name"
      : 'select table_name as name from information_schema.tables order by table_name';
  try {
    const table = await readSql({ database: path, engine, query });
    return table.column('name').map(String);
  } catch {
    return [];
  }
}

interface Source {
  source: string;
  path: string;
  shown: string;
  engine: SqlEngine;
  query: string;
  chunkRows: number;
}

async function mustExist(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new DataError(readMessages.missing(path));
  if (!info.isFile()) throw new DataError(readMessages.unreadable(path, 'it is not a regular file'));
}

const queryError = (s: Source, error: unknown): DataError =>
  new DataError(readMessages.sqlQuery(s.engine, s.shown, (error as Error).message, s.query), {
    cause: error,
  });

function* sqliteChunks(s: Source, params: SqlParams | undefined): Generator<Table> {
  let db: Database.Database;
  try {
    db = new Database(s.path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DataError(readMessages.sqlOpen('SQLite', s.path, (error as Error).message), { cause: error });
  }
  try {
    let statement: Database.Statement;
    try {
      statement = db.prepare(s.query);
    } catch (error) {
      throw queryError(s, error);
    }
    if (!statement.reader) throw new DataError(readMessages.sqlNoRows('SQLite', s.path, s.query));
    statement.raw(true).safeIntegers(true);
    const columns = statement.columns();
    const isDate = columns.map((c) => /^(date|datetime|timestamp)/i.test(c.type ?? ''));
    const builder = new ChunkBuilder(uniqueNames(columns.map((c) => c.name)));
    const args = params === undefined ? [] : Array.isArray(params) ? params : [params];
    let rows: IterableIterator<unknown>;
    try {
      rows = statement.iterate(...args);
    } catch (error) {
      throw queryError(s, error);
    }
    let line = 0;
    let yielded = false;
    while (true) {
      let next: IteratorResult<unknown>;
      try {
        next = rows.next();
      } catch (error) {
        throw queryError(s, error);
      }
      if (next.done) break;
      const raw = next.value as unknown[];
      builder.push(
        raw.map((v, c) => sqliteValue(v, isDate[c])),
        { source: s.source, line: ++line },
      );
      if (builder.size >= s.chunkRows) {
        yielded = true;
        yield builder.take();
      }
    }
    if (builder.size > 0 || !yielded) yield builder.take();
  } finally {
    db.close();
  }
}

function sqliteValue(value: unknown, isDate: boolean): Value {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return fromBigInt(value);
  if (typeof value === 'string') return isDate ? (sqlTimestamp(value) ?? value) : value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

function fromBigInt(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/**
 * SQLite stores dates as text. ISO text in a column declared DATE, DATETIME or TIMESTAMP becomes
 * a Date; without a zone it is read as UTC, as DuckDB reads a TIMESTAMP, so that both engines
 * give the same instant for the same text.
 */
function sqlTimestamp(text: string): Date | undefined {
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (match === null) return undefined;
  const [, day, time = '00:00:00', zone = 'Z'] = match;
  const date = new Date(`${day}T${time}${zone}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

async function* duckdbChunks(s: Source, params: SqlParams | undefined): AsyncGenerator<Table> {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await DuckDBInstance.create(s.path, s.path === ':memory:' ? {} : { access_mode: 'READ_ONLY' });
    connection = await DuckDBConnection.create(instance);
  } catch (error) {
    throw new DataError(readMessages.sqlOpen('DuckDB', s.shown, (error as Error).message), { cause: error });
  }
  try {
    const result = await connection
      .stream(s.query, params as DuckDBValue[] | Record<string, DuckDBValue> | undefined)
      .catch((error: unknown) => {
        throw queryError(s, error);
      });
    if (result.returnType !== ResultReturnType.QUERY_RESULT) {
      throw new DataError(readMessages.sqlNoRows('DuckDB', s.shown, s.query));
    }
    const types = result.columnTypes();
    const builder = new ChunkBuilder(uniqueNames(result.columnNames()));
    let line = 0;
    let yielded = false;
    try {
      for await (const rows of result.yieldRows()) {
        for (const row of rows) {
          builder.push(
            row.map((v, c) => duckdbValue(v, types[c])),
            { source: s.source, line: ++line },
          );
          if (builder.size >= s.chunkRows) {
            yielded = true;
            yield builder.take();
          }
        }
      }
    } catch (error) {
      throw error instanceof DataError ? error : queryError(s, error);
    }
    if (builder.size > 0 || !yielded) yield builder.take();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// Times of day and intervals have no JavaScript type of their own; their SQL text reads best.
const asText = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIME,
  DuckDBTypeId.TIME_NS,
  DuckDBTypeId.TIME_TZ,
  DuckDBTypeId.INTERVAL,
]);

function duckdbValue(value: DuckDBValue, type: DuckDBType): Value {
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'string'
  ) {
    return value;
  }
  if (typeof value === 'bigint') return fromBigInt(value);
  if (asText.has(type.typeId)) return value.toString();
  let js: unknown;
  try {
    js = JSDuckDBValueConverter(value, type, JSDuckDBValueConverter);
  } catch {
    // A date outside JavaScript's range, for one: keep DuckDB's text for it.
    return value.toString();
  }
  if (
    js === null ||
    js instanceof Date ||
    typeof js === 'number' ||
    typeof js === 'string' ||
    typeof js === 'boolean'
  ) {
    return js;
  }
  if (typeof js === 'bigint') return fromBigInt(js);
  if (js instanceof Uint8Array) return Buffer.from(js).toString('base64');
  const json = JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter);
  return typeof json === 'string' ? json : JSON.stringify(json);
}
