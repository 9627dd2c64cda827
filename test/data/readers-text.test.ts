import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DataError, readTable, readTableChunks } from '../../src/data/read.js';
import { Quarantine } from '../../src/data/report.js';
import type { Table } from '../../src/data/table.js';
import { readTextFile, readTextFolder } from '../../src/data/text.js';

const dir = mkdtempSync(join(tmpdir(), 'deepline-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(relative: string, content: string | Uint8Array): string {
  const path = join(dir, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const rows = (table: Table) => [...table.rows()];

async function failure(read: Promise<unknown>): Promise<DataError> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('readTextFolder', () => {
  const corpus = join(dir, 'reviews');
  beforeAll(() => {
    file('reviews/pos/b.txt', 'Great film.\nWould watch again.');
    file('reviews/pos/a.txt', 'Loved it');
    file('reviews/pos/more/c.txt', 'Deep down, still positive');
    file('reviews/neg/d.txt', 'Dull.');
    file('reviews/neg/.DS_Store', 'junk');
    file('reviews/.hidden/e.txt', 'skipped');
    file('reviews/readme.md', 'about the corpus');
    file('reviews/unlabelled.txt', 'no folder, no label');
  });

  test('one row per file, labelled by the sub-folder directly under the root, in path order', async () => {
    const table = await readTextFolder(corpus, { extensions: ['txt'] });
    expect(rows(table)).toEqual([
      { text: 'Dull.', label: 'neg', file: 'neg/d.txt' },
      { text: 'Loved it', label: 'pos', file: 'pos/a.txt' },
      { text: 'Great film.\nWould watch again.', label: 'pos', file: 'pos/b.txt' },
      { text: 'Deep down, still positive', label: 'pos', file: 'pos/more/c.txt' },
      { text: 'no folder, no label', label: null, file: 'unlabelled.txt' },
    ]);
    expect(table.origins[0]).toEqual({ source: join(corpus, 'neg/d.txt'), line: 1 });
  });

  test('without extensions every visible file is read', async () => {
    const table = await readTextFolder(corpus);
    expect(table.column('file')).toContain('readme.md');
    expect(table.column('file')).not.toContain('neg/.DS_Store');
  });

  test('a file that does not decode names its line, or goes to the quarantine', async () => {
    const root = join(dir, 'mixed');
    file('mixed/a/ok.txt', 'fine');
    file(
      'mixed/b/bad.txt',
      Buffer.concat([Buffer.from('line one\nline two '), Buffer.from([0xff]), Buffer.from('\n')]),
    );
    const error = await failure(readTextFolder(root));
    expect(error.message).toMatch(new RegExp(`^${join(root, 'b/bad.txt')}: line 2: invalid UTF-8`));
    const quarantine = new Quarantine();
    const table = await readTextFolder(root, { quarantine });
    expect(table.column('file')).toEqual(['a/ok.txt']);
    expect(quarantine.rows).toEqual([
      {
        source: join(root, 'b/bad.txt'),
        line: 1,
        step: 'read',
        reason: expect.stringMatching(/^line 2: invalid UTF-8/),
        raw: null,
      },
    ]);
  });

  test('a folder with no matching files, or no folder at all, is an error', async () => {
    expect((await failure(readTextFolder(corpus, { extensions: ['.csv'] }))).message).toMatch(
      /has no \.csv files/,
    );
    expect((await readTextFolder(corpus, { extensions: ['.csv'], allowEmpty: true })).numRows).toBe(0);
    expect((await failure(readTextFolder(join(dir, 'nowhere')))).message).toMatch(/no such file or folder/);
  });
});

describe('readTextFile', () => {
  test('one document per non-blank line, with line numbers as origins; gzip accepted', async () => {
    const content = 'first doc\n\n  \nsecond doc\r\nthird doc';
    for (const path of [file('docs.txt', content), file('docs.txt.gz', gzipSync(content))]) {
      const table = await readTextFile(path);
      expect(table.column('text')).toEqual(['first doc', 'second doc', 'third doc']);
      expect(table.origins.map((o) => o.line)).toEqual([1, 4, 5]);
    }
    expect((await failure(readTextFile(file('blank.txt', '\n\n')))).message).toMatch(/ is empty/);
  });
});

describe('readTable', () => {
  const sqlite = join(dir, 'db', 'shop.db');
  const duckdb = join(dir, 'db', 'shop.duckdb');
  const parquet = join(dir, 'db', 'shop.parquet');
  beforeAll(async () => {
    mkdirSync(dirname(sqlite), { recursive: true });
    const db = new Database(sqlite);
    db.exec(
      "create table customers (id integer, name text); insert into customers values (1, 'ann'), (2, 'bo');",
    );
    db.exec('create table orders (id integer)');
    db.close();
    const instance = await DuckDBInstance.create(duckdb);
    const connection = await instance.connect();
    await connection.run('create table sales as select range as id from range(3)');
    await connection.run(`copy sales to '${parquet}' (format parquet)`);
    connection.closeSync();
    instance.closeSync();
  });

  test('dispatches by extension, gzipped variants included', async () => {
    const expected = [
      { a: '1', b: 'x' },
      { a: '2', b: 'y' },
    ];
    expect(rows(await readTable(file('t/data.csv', 'a,b\n1,x\n2,y\n')))).toEqual(expected);
    expect(rows(await readTable(file('t/data.csv.gz', gzipSync('a;b\n1;x\n2;y\n'))))).toEqual(expected);
    // A .tsv is tab-delimited even when commas are more common.
    const tsv = await readTable(file('t/data.tsv', 'a\tb\n1,0\tx,y,z\n'));
    expect(rows(tsv)).toEqual([{ a: '1,0', b: 'x,y,z' }]);
    expect(rows(await readTable(file('t/data.txt', 'a|b\n1|x\n2|y\n'), { delimiter: '|' }))).toEqual(
      expected,
    );
    expect((await readTable(file('t/notes.txt', 'a|b\n1|x\n'))).column('text')).toEqual(['a|b', '1|x']);
    expect((await readTable(file('t/data.json', '{"rows": [{"a": 1}]}'))).column('a')).toEqual([1]);
    expect((await readTable(file('t/data.jsonl', '{"a": 1}\n{"a": 2}\n'))).column('a')).toEqual([1, 2]);
    expect((await readTable(file('t/data.ndjson.gz', gzipSync('{"a": 3}\n')))).column('a')).toEqual([3]);
    expect((await readTable(join(dir, 'reviews'), { extensions: ['.txt'] })).column('label')).toContain(
      'pos',
    );
    expect((await readTable(parquet)).column('id')).toEqual([0, 1, 2]);
  });

  test('a database needs a query; the error lists its tables', async () => {
    const error = await failure(readTable(sqlite));
    expect(error.message).toMatch(
      new RegExp(`^${sqlite} is a SQLite database; pass query .*tables are: customers, orders`),
    );
    const customers = await readTable(sqlite, {
      query: 'select name from customers where id = ?',
      params: [2],
    });
    expect(customers.column('name')).toEqual(['bo']);
    expect((await failure(readTable(duckdb))).message).toMatch(/is a DuckDB database; .*tables are: sales/);
    expect((await readTable(duckdb, { query: 'select count(*) as n from sales' })).column('n')).toEqual([3]);
  });

  test('unknown extensions and missing paths are errors', async () => {
    const unknown = await failure(readTable(file('t/data.xlsx', 'PK')));
    expect(unknown.message).toMatch(/cannot tell the format from the extension; readTable reads \.csv/);
    expect((await failure(readTable(join(dir, 'nope.csv')))).message).toMatch(/no such file or folder/);
    const fake = file('t/fake.parquet', 'not parquet at all');
    expect((await failure(readTable(fake))).message).toMatch(new RegExp(`^${fake}: duckdb query failed: `));
  });

  test('readTableChunks streams CSV and JSON Lines in chunks', async () => {
    const csv = file('t/many.csv', `n\n${Array.from({ length: 25 }, (_, i) => i).join('\n')}\n`);
    const sizes: number[] = [];
    for await (const chunk of readTableChunks(csv, { chunkRows: 10 })) sizes.push(chunk.numRows);
    expect(sizes).toEqual([10, 10, 5]);
    const jsonl = file('t/many.jsonl', Array.from({ length: 5 }, (_, i) => `{"n": ${i}}`).join('\n'));
    const jsonSizes: number[] = [];
    for await (const chunk of readTableChunks(jsonl, { chunkRows: 2 })) jsonSizes.push(chunk.numRows);
    expect(jsonSizes).toEqual([2, 2, 1]);
  });
});
