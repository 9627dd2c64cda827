import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError, readJson, readJsonLines, readJsonLinesChunks } from '../../src/data/json.js';
import { Quarantine } from '../../src/data/report.js';
import type { Table } from '../../src/data/table.js';

const dir = mkdtempSync(join(tmpdir(), 'deepline-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: string | Uint8Array, name = `f${files++}.json`): string {
  const path = join(dir, name);
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

describe('readJson', () => {
  test('an array of objects: typed values, columns in first-seen order, missing keys null, nested as JSON', async () => {
    const path = file(
      JSON.stringify([
        { id: 1, name: 'a', ok: true },
        { id: 2, tags: ['x', 'y'], meta: { k: 1 }, ok: null },
      ]),
    );
    const table = await readJson(path);
    expect(table.columnNames).toEqual(['id', 'name', 'ok', 'tags', 'meta']);
    expect(rows(table)).toEqual([
      { id: 1, name: 'a', ok: true, tags: null, meta: null },
      { id: 2, name: null, ok: null, tags: '["x","y"]', meta: '{"k":1}' },
    ]);
    expect(table.origins).toEqual([
      { source: path, line: 1 },
      { source: path, line: 2 },
    ]);
  });

  test('an object with one array property, or the one named by key', async () => {
    const one = file(JSON.stringify({ count: 2, data: [{ x: 1 }, { x: 2 }] }));
    expect((await readJson(one)).column('x')).toEqual([1, 2]);

    const two = file(JSON.stringify({ train: [{ x: 1 }], test: [{ x: 2 }, { x: 3 }] }));
    expect((await failure(readJson(two))).message).toMatch(
      /several array properties \(train, test\).*pass key/,
    );
    expect((await readJson(two, { key: 'test' })).column('x')).toEqual([2, 3]);
    expect((await failure(readJson(two, { key: 'dev' }))).message).toMatch(/no array property 'dev'/);
    expect((await failure(readJson(file('42')))).message).toMatch(
      /expected an array of objects.*got a number/,
    );
  });

  test('invalid JSON names line and column', async () => {
    const path = file('[\n  {"a": 1},\n  {"a": 2,}\n]');
    const error = await failure(readJson(path));
    expect(error.message).toMatch(new RegExp(`^${path}: line 3, column 11: invalid JSON`));
  });

  test('records that are not objects go to the quarantine, or are an error without one', async () => {
    const path = file(JSON.stringify([{ a: 1 }, 5, [1], { a: 2 }]));
    expect((await failure(readJson(path))).message).toMatch(/record 2: expected a JSON object, got a number/);
    const quarantine = new Quarantine();
    const table = await readJson(path, { quarantine });
    expect(table.column('a')).toEqual([1, 2]);
    expect(table.origins.map((o) => o.line)).toEqual([1, 4]);
    expect(quarantine.rows.map((r) => [r.line, r.reason])).toEqual([
      [2, 'expected a JSON object, got a number'],
      [3, 'expected a JSON object, got an array'],
    ]);
  });

  test('gzipped JSON; an empty file is an error; an empty array is an empty table', async () => {
    const gz = file(gzipSync(JSON.stringify([{ a: 'ü' }])), 'data.json.gz');
    expect(rows(await readJson(gz))).toEqual([{ a: 'ü' }]);
    expect((await failure(readJson(file('  \n')))).message).toMatch(/ is empty/);
    expect((await readJson(file('[]'))).numRows).toBe(0);
  });
});

describe('readJsonLines', () => {
  const content = [
    '{"id": 1, "user": {"name": "ann"}}',
    '',
    '{"id": 2, "score": 0.5}',
    '{"id": 3, oops}',
    '"just a string"',
    '{"id": 4, "score": null, "extra": "e"}\r',
  ].join('\n');

  test('one object per line; origins are lines; blank lines skipped; CRLF accepted', async () => {
    const quarantine = new Quarantine();
    const path = file(content, 'events.jsonl');
    const table = await readJsonLines(path, { quarantine });
    expect(table.columnNames).toEqual(['id', 'user', 'score', 'extra']);
    expect(rows(table)).toEqual([
      { id: 1, user: '{"name":"ann"}', score: null, extra: null },
      { id: 2, user: null, score: 0.5, extra: null },
      { id: 4, user: null, score: null, extra: 'e' },
    ]);
    expect(table.origins.map((o) => o.line)).toEqual([1, 3, 6]);
    expect(quarantine.rows).toHaveLength(2);
    expect(quarantine.rows[0]).toMatchObject({ source: path, line: 4, step: 'read', raw: '{"id": 3, oops}' });
    expect(quarantine.rows[0].reason).toMatch(/^invalid JSON: /);
    expect(quarantine.rows[1]).toMatchObject({ line: 5, reason: 'expected a JSON object, got a string' });
  });

  test('a malformed line is an error naming it without a quarantine', async () => {
    const path = file(content, 'strict.jsonl');
    expect((await failure(readJsonLines(path))).message).toMatch(
      new RegExp(`^${path}: line 4: invalid JSON`),
    );
  });

  test('chunks hold at most chunkRows rows; columns only grow, and the whole read pads earlier rows', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify(i < 7 ? { i } : { i, late: `l${i}` }));
    const path = file(gzipSync(lines.join('\n')), 'grow.ndjson.gz');
    const chunks: Table[] = [];
    for await (const chunk of readJsonLinesChunks(path, { chunkRows: 4 })) chunks.push(chunk);
    expect(chunks.map((c) => c.numRows)).toEqual([4, 4, 2]);
    expect(chunks.map((c) => c.columnNames)).toEqual([['i'], ['i', 'late'], ['i', 'late']]);
    expect(chunks[1].column('late')).toEqual([null, null, null, 'l7']);
    const table = await readJsonLines(path, { chunkRows: 4 });
    expect(table.column('i')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(table.column('late')).toEqual([null, null, null, null, null, null, null, 'l7', 'l8', 'l9']);
  });

  test('an empty file is an error unless allowEmpty; a truncated gzip stream is named', async () => {
    const empty = file('\n\n', 'empty.jsonl');
    expect((await failure(readJsonLines(empty))).message).toBe(
      `${empty} is empty; pass allowEmpty: true to read it as a table with no rows`,
    );
    expect((await readJsonLines(empty, { allowEmpty: true })).numRows).toBe(0);
    const whole = gzipSync(Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i })).join('\n'));
    const cut = file(whole.subarray(0, whole.length - 10), 'cut.jsonl.gz');
    expect((await failure(readJsonLines(cut))).message).toMatch(
      new RegExp(`^${cut}: gzip stream is truncated`),
    );
  });
});
