import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DataError, readSql, readSqlChunks } from '../../src/data/sql.js';
import type { Table } from '../../src/data/table.js';

const dir = mkdtempSync(join(tmpdir(), 'deepline-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sqlitePath = join(dir, 'shop.sqlite');
const duckdbPath = join(dir, 'shop.duckdb');
const csvPath = join(dir, 'orders.csv');
const parquetPath = join(dir, 'orders.parquet');

beforeAll(async () => {
  const db = new Database(sqlitePath);
  db.exec(`create table orders (
    id integer primary key, customer text, amount real, big integer, placed datetime, day date, note blob)`);
  const insert = db.prepare('insert into orders values (?, ?, ?, ?, ?, ?, ?)');
  insert.run(1, 'ann', 2.5, 9_007_199_254_740_993n, '2011-12-09 12:50:00', '2011-12-09', Buffer.from('hi'));
  insert.run(2, null, null, 42, 'not a date', null, null);
  for (let i = 3; i <= 5; i++) insert.run(i, `c${i}`, i, i, null, null, null);
  db.close();

  writeFileSync(csvPath, 'id,city\n1,Paris\n2,"Rome, IT"\n');
  const instance = await DuckDBInstance.create(duckdbPath);
  const connection = await instance.connect();
  await connection.run(`create table orders as select
    range::bigint as id,
    12345678901234567890::hugeint as huge,
    3.25::decimal(10, 2) as price,
    timestamp '2011-12-09 12:50:00' + to_days(range::int) as placed,
    date '2011-12-09' as day,
    [1, 2] as items,
    {'k': 'v'} as meta,
    time '08:26:00' as at_time,
    range % 2 = 0 as even
    from range(5)`);
  await connection.run(`copy orders to '${parquetPath}' (format parquet)`);
  connection.closeSync();
  instance.closeSync();
});

const rows = (table: Table) => [...table.rows()];

async function failure(read: Promise<unknown>): Promise<DataError> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('readSql: SQLite', () => {
  test('typed values: numbers, strings, null, Dates for declared date columns, exact big integers, base64 blobs', async () => {
    const table = await readSql({
      database: sqlitePath,
      query: 'select * from orders where id <= 2 order by id',
    });
    expect(table.columnNames).toEqual(['id', 'customer', 'amount', 'big', 'placed', 'day', 'note']);
    expect(rows(table)).toEqual([
      {
        id: 1,
        customer: 'ann',
        amount: 2.5,
        big: '9007199254740993',
        placed: new Date('2011-12-09T12:50:00Z'),
        day: new Date('2011-12-09T00:00:00Z'),
        note: 'aGk=',
      },
      { id: 2, customer: null, amount: null, big: 42, placed: 'not a date', day: null, note: null },
    ]);
    expect(table.origins).toEqual([
      { source: `sqlite:${sqlitePath} (query)`, line: 1 },
      { source: `sqlite:${sqlitePath} (query)`, line: 2 },
    ]);
  });

  test('positional and named parameters; repeated column names made unique', async () => {
    const positional = await readSql({
      database: sqlitePath,
      query: 'select id from orders where id > ?',
      params: [3],
    });
    expect(positional.column('id')).toEqual([4, 5]);
    const named = await readSql({
      database: sqlitePath,
      query: 'select id, id from orders where customer = :who',
      params: { who: 'ann' },
    });
    expect(rows(named)).toEqual([{ id: 1, id_2: 1 }]);
  });

  test('streams in chunks of chunkRows; an empty result keeps its columns', async () => {
    const chunks: Table[] = [];
    for await (const chunk of readSqlChunks({
      database: sqlitePath,
      query: 'select id from orders',
      chunkRows: 2,
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map((c) => c.column('id'))).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks[2].origins[0].line).toBe(5);
    const empty = await readSql({ database: sqlitePath, query: 'select id, customer from orders where 0' });
    expect(empty.columnNames).toEqual(['id', 'customer']);
    expect(empty.numRows).toBe(0);
  });

  test('errors name the database and show the SQL error and query', async () => {
    const bad = await failure(readSql({ database: sqlitePath, query: 'select * from nope' }));
    expect(bad.message).toMatch(
      new RegExp(`^${sqlitePath}: sqlite query failed: no such table: nope\\n  query: select`),
    );
    const write = await failure(readSql({ database: sqlitePath, query: 'delete from orders' }));
    expect(write.message).toMatch(/returns no rows/);
    expect(
      (await readSql({ database: sqlitePath, query: 'select count(*) as n from orders' })).column('n'),
    ).toEqual([5]);
    const missing = await failure(readSql({ database: join(dir, 'none.db'), query: 'select 1' }));
    expect(missing.message).toBe(`${join(dir, 'none.db')}: no such file or folder`);
    const notDb = await failure(readSql({ database: csvPath, engine: 'sqlite', query: 'select 1' }));
    expect(notDb.message).toMatch(/file is not a database/);
    const unknown = await failure(readSql({ database: csvPath, query: 'select 1' }));
    expect(unknown.message).toMatch(/cannot tell the database engine.*engine: 'sqlite' or 'duckdb'/);
  });
});

describe('readSql: DuckDB', () => {
  test('typed values: Dates for timestamps and dates, decimals as numbers, nested values as JSON', async () => {
    const table = await readSql({ database: duckdbPath, query: 'select * from orders order by id limit 2' });
    expect(table.columnNames).toEqual([
      'id',
      'huge',
      'price',
      'placed',
      'day',
      'items',
      'meta',
      'at_time',
      'even',
    ]);
    expect(table.row(0)).toEqual({
      id: 0,
      huge: '12345678901234567890',
      price: 3.25,
      placed: new Date('2011-12-09T12:50:00Z'),
      day: new Date('2011-12-09T00:00:00Z'),
      items: '[1,2]',
      meta: '{"k":"v"}',
      at_time: '08:26:00',
      even: true,
    });
    expect(table.row(1).placed).toEqual(new Date('2011-12-10T12:50:00Z'));
    expect(table.origins[1]).toEqual({ source: `duckdb:${duckdbPath} (query)`, line: 2 });
  });

  test('parameters, chunks, and a read-only database', async () => {
    const table = await readSql({
      database: duckdbPath,
      query: 'select id from orders where id >= $1',
      params: [3],
    });
    expect(table.column('id')).toEqual([3, 4]);
    const chunks: Table[] = [];
    const query = 'select id from orders order by id';
    for await (const chunk of readSqlChunks({ database: duckdbPath, query, chunkRows: 2 }))
      chunks.push(chunk);
    expect(chunks.map((c) => c.numRows)).toEqual([2, 2, 1]);
    const write = await failure(readSql({ database: duckdbPath, query: 'create table t (a int)' }));
    expect(write.message).toMatch(new RegExp(`^${duckdbPath}: duckdb query failed: .*read-only`));
  });

  test('reads CSV and Parquet files named in the query, without a database', async () => {
    const csv = await readSql({ query: `select * from read_csv('${csvPath}') order by id` });
    expect(rows(csv)).toEqual([
      { id: 1, city: 'Paris' },
      { id: 2, city: 'Rome, IT' },
    ]);
    expect(csv.origins[0].source).toBe('duckdb:in-memory database (query)');
    const parquet = await readSql({ query: `select id, price from '${parquetPath}' where even order by id` });
    expect(rows(parquet)).toEqual([
      { id: 0, price: 3.25 },
      { id: 2, price: 3.25 },
      { id: 4, price: 3.25 },
    ]);
  });

  test("a failing query names the database and shows DuckDB's error", async () => {
    const error = await failure(readSql({ database: duckdbPath, query: 'select nope from orders' }));
    expect(error.message).toMatch(new RegExp(`^${duckdbPath}: duckdb query failed: .*nope`));
    expect(error.message).toMatch(/\n {2}query: select nope from orders$/);
  });
});
