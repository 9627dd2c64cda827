import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { DataError, readCsv, readCsvChunks } from '../../src/data/csv.js';
import { Quarantine } from '../../src/data/report.js';
import { sniffDelimiter } from '../../src/data/sniff.js';
import type { Table } from '../../src/data/table.js';
import { ValueError } from '../../src/tensor/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'deepline-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

let files = 0;
/** Writes `content` to a fresh file in the temp folder and returns its path. */
function file(content: string | Uint8Array, name = `f${files++}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const rows = (table: Table) => [...table.rows()];
const lines = (table: Table) => table.origins.map((o) => o.line);

/** The DataError a read fails with (the test fails if it does not). */
async function failure(read: Promise<unknown>): Promise<DataError> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

async function collect(chunks: AsyncIterable<Table>): Promise<Table[]> {
  const all: Table[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe('readCsv: RFC 4180', () => {
  test('quoted fields keep delimiters, doubled quotes and line breaks; origins are the lines records start on', async () => {
    const path = file(
      [
        'id,text,n',
        '1,"a, b",2',
        '2,"she said ""hi""",3',
        '3,"two',
        'lines, and ""quotes""",4',
        '',
        '4,,5',
        '5,"",6',
      ].join('\n'),
    );
    const table = await readCsv(path);
    expect(table.columnNames).toEqual(['id', 'text', 'n']);
    expect(rows(table)).toEqual([
      { id: '1', text: 'a, b', n: '2' },
      { id: '2', text: 'she said "hi"', n: '3' },
      { id: '3', text: 'two\nlines, and "quotes"', n: '4' },
      { id: '4', text: '', n: '5' },
      { id: '5', text: '', n: '6' },
    ]);
    expect(lines(table)).toEqual([2, 3, 4, 7, 8]);
    expect(table.origins.every((o) => o.source === path)).toBe(true);
  });

  test('mixed line ends (LF, CRLF, CR) each end a record', async () => {
    const table = await readCsv(file('a,b\n1,2\r\n3,4\r5,6\n'));
    expect(table.column('b')).toEqual(['2', '4', '6']);
    expect(lines(table)).toEqual([2, 3, 4]);
  });

  test('CRLF line ends, also inside a quoted field, count as one line each', async () => {
    const path = file('a,b\r\n1,"x\r\ny\r\nz"\r\n\r\n2,3\r\n4,5');
    const table = await readCsv(path);
    expect(rows(table)).toEqual([
      { a: '1', b: 'x\r\ny\r\nz' },
      { a: '2', b: '3' },
      { a: '4', b: '5' },
    ]);
    expect(lines(table)).toEqual([2, 6, 7]);
  });

  test('a UTF-8 byte order mark is not part of the first column name', async () => {
    const path = file('\uFEFFname,city\nZoë,Köln\n');
    const table = await readCsv(path);
    expect(table.columnNames).toEqual(['name', 'city']);
    expect(rows(table)).toEqual([{ name: 'Zoë', city: 'Köln' }]);
  });

  test('header: false names columns column_1…; columns names them; with header: true they replace it', async () => {
    const path = file('x,y\n1,2\n');
    const noHeader = await readCsv(path, { header: false });
    expect(noHeader.columnNames).toEqual(['column_1', 'column_2']);
    expect(rows(noHeader)).toEqual([
      { column_1: 'x', column_2: 'y' },
      { column_1: '1', column_2: '2' },
    ]);
    expect(lines(noHeader)).toEqual([1, 2]);
    const named = await readCsv(path, { columns: ['a', 'b'] });
    expect(rows(named)).toEqual([
      { a: 'x', b: 'y' },
      { a: '1', b: '2' },
    ]);
    const renamed = await readCsv(path, { columns: ['a', 'b'], header: true });
    expect(rows(renamed)).toEqual([{ a: '1', b: '2' }]);
  });

  test('blank and repeated header names become unique', async () => {
    const table = await readCsv(file('id,,id,id\n1,2,3,4\n'));
    expect(table.columnNames).toEqual(['id', 'column_2', 'id_2', 'id_3']);
    expect(table.row(0)).toEqual({ id: '1', column_2: '2', id_2: '3', id_3: '4' });
  });
});

describe('readCsv: delimiters', () => {
  const cases: [string, string][] = [
    [',', 'comma'],
    ['\t', 'tab'],
    [';', 'semicolon'],
    ['|', 'pipe'],
  ];
  // Every file also holds the other candidates inside quoted or free text, to be sniffed past.
  test.each(cases)('sniffs %j (%s)', async (delimiter) => {
    const others = [',', '\t', ';', '|'].filter((d) => d !== delimiter).join('');
    const content = [
      ['name', 'note', 'amount'],
      ['a', `"quoted ${others} text"`, '1'],
      ['b', 'plain', '2'],
      ['c', `"more ${others}${others}"`, '3'],
    ]
      .map((r) => r.join(delimiter))
      .join('\n');
    const table = await readCsv(file(content));
    expect(table.columnNames).toEqual(['name', 'note', 'amount']);
    expect(table.column('note')).toEqual([`quoted ${others} text`, 'plain', `more ${others}${others}`]);
  });

  test('sniffDelimiter prefers the delimiter with a consistent count', () => {
    // Decimal commas vary per line; the semicolon splits every line the same way.
    expect(sniffDelimiter('name;price\nx;1,5\ny;22\nz;3,25\n', { complete: true })).toBe(';');
    expect(sniffDelimiter('label\ttext\nham\thi, you, there\nspam\tfree\n', { complete: true })).toBe('\t');
    expect(sniffDelimiter('just one column\nof words\n', { complete: true })).toBe(',');
    // A cut last record is left out; counted, it would make '|' look inconsistent.
    expect(sniffDelimiter('a|b|c,d\n1|2|3,4\n5,6', { complete: false })).toBe('|');
    expect(sniffDelimiter('a|b|c,d\n1|2|3,4\n5,6', { complete: true })).toBe(',');
  });

  test('a given delimiter is used as is', async () => {
    const table = await readCsv(file('a;b,c\n1;2,3\n'), { delimiter: ',' });
    expect(table.columnNames).toEqual(['a;b', 'c']);
  });
});

describe('readCsv: gzip and streaming', () => {
  test('gzip input is recognised by its magic bytes, whatever the name', async () => {
    const content = 'a,b\n1,"x\ny"\n2,3\n';
    const plain = await readCsv(file(content));
    const gz = file(gzipSync(content), 'data.csv.gz');
    const unnamed = file(gzipSync(content), 'data.bin');
    for (const path of [gz, unnamed]) {
      const table = await readCsv(path);
      expect(rows(table)).toEqual(rows(plain));
      expect(lines(table)).toEqual([2, 4]);
    }
  });

  test('a 120,000-row file streams in chunks of at most chunkRows and matches a single read', async () => {
    const body: string[] = ['id,name,note'];
    for (let i = 0; i < 120_000; i++) {
      // Every 1000th record spans two lines, so that line numbers drift from row numbers.
      body.push(i % 1000 === 0 ? `${i},n${i},"two\nlines"` : `${i},n${i},plain ${i % 7}`);
    }
    const path = file(gzipSync(body.join('\n')), 'big.csv.gz');

    const chunks = await collect(readCsvChunks(path));
    expect(chunks.map((c) => c.numRows)).toEqual([50_000, 50_000, 20_000]);
    const small = await collect(readCsvChunks(path, { chunkRows: 7_000 }));
    expect(small.every((c) => c.numRows <= 7_000)).toBe(true);
    expect(small.reduce((n, c) => n + c.numRows, 0)).toBe(120_000);

    const whole = await readCsv(path);
    expect(whole.numRows).toBe(120_000);
    const streamed = chunks.flatMap((c) => c.column('id'));
    expect(streamed).toEqual(whole.column('id'));
    expect(small.flatMap((c) => c.column('note'))).toEqual(whole.column('note'));
    expect(whole.row(119_999)).toEqual({ id: '119999', name: 'n119999', note: `plain ${119_999 % 7}` });
    // Record i starts on line i + 2, plus one for each two-line record before it.
    const expected = (i: number) => i + 2 + Math.ceil(i / 1000);
    expect([0, 1, 999, 1000, 1001, 119_999].map((i) => whole.origins[i].line)).toEqual(
      [0, 1, 999, 1000, 1001, 119_999].map(expected),
    );
  });

  test('a 10 MB field reads whole; a field over maxFieldBytes is an error naming its line', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const path = file(`a,b\n1,2\n3,"${big}"\n4,5\n`);
    const table = await readCsv(path);
    expect(table.numRows).toBe(3);
    expect((table.column('b')[1] as string).length).toBe(big.length);
    const error = await failure(readCsv(path, { maxFieldBytes: 1024 * 1024 }));
    expect(error.message).toMatch(new RegExp(`^${path}: line 3: .*1 MiB.*field 'b'`));
  });
});

describe('readCsv: malformed input', () => {
  test('every error is a DataError, which is a ValueError', async () => {
    const error = await failure(readCsv(join(dir, 'missing.csv')));
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe(`${join(dir, 'missing.csv')}: no such file or folder`);
  });

  test('an unterminated quote names the line where the quoted field began', async () => {
    const path = file('a,b\n1,2\n\n3,"never closed\n4,5\n6,7\n');
    const error = await failure(readCsv(path));
    expect(error.message).toMatch(new RegExp(`^${path}: line 4: the quoted field 'b' starts here`));
  });

  test('an unterminated quote after a multi-line field of the same record names its own line', async () => {
    const path = file('a,b,c\n1,"x\ny",z\n2,"ok\nok","open\n3,4,5\n');
    const error = await failure(readCsv(path));
    expect(error.message).toMatch(/: line 5: the quoted field 'c' starts here/);
  });

  test('text after a closing quote, or a quote inside an unquoted field, names line and field', async () => {
    const closing = file('a,b\n1,2\n3,"x"y\n');
    expect((await failure(readCsv(closing))).message).toMatch(
      new RegExp(`^${closing}: line 3, field 'b': a quoted field's closing quote is followed by "y"`),
    );
    const opening = file('a,b\n1,2\r\n3,5" screen\n');
    expect((await failure(readCsv(opening))).message).toMatch(
      new RegExp(`^${opening}: line 3, field 'b': a quote in the middle of an unquoted field`),
    );
    const relaxed = await readCsv(opening, { relaxQuotes: true });
    expect(relaxed.column('b')).toEqual(['2', '5" screen']);
  });

  test('ragged rows go to the quarantine with their line, reason and raw text', async () => {
    const path = file('a,b,c\n1,2,3\n4,5\n6,"7\n8",9\n10,11,12,13\n\n14,15,16\n');
    const quarantine = new Quarantine();
    const table = await readCsv(path, { quarantine });
    expect(rows(table)).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '6', b: '7\n8', c: '9' },
      { a: '14', b: '15', c: '16' },
    ]);
    expect(lines(table)).toEqual([2, 4, 8]);
    expect(quarantine.size).toBe(2);
    expect(quarantine.rows).toEqual([
      { source: path, line: 3, step: 'read', reason: 'expected 3 fields, got 2', raw: '4,5' },
      { source: path, line: 6, step: 'read', reason: 'expected 3 fields, got 4', raw: '10,11,12,13' },
    ]);
  });

  test('ragged rows are an error without a quarantine, or with onRaggedRows: error', async () => {
    const path = file('a,b\n1,2\n3\n');
    expect((await failure(readCsv(path))).message).toMatch(
      new RegExp(`^${path}: line 3: expected 2 fields, got 1`),
    );
    const quarantine = new Quarantine();
    await failure(readCsv(path, { quarantine, onRaggedRows: 'error' }));
    expect(quarantine.size).toBe(0);
    expect((await failure(readCsv(path, { onRaggedRows: 'quarantine' }))).message).toMatch(/no quarantine/);
  });

  test('invalid UTF-8 names its line, also far into a streamed file', async () => {
    const near = file(
      Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
    );
    const error = await failure(readCsv(near));
    expect(error.message).toMatch(new RegExp(`^${near}: line 3: invalid UTF-8`));

    const head = Buffer.from(`a,b\n${'1,2\n'.repeat(100_000)}`);
    const far = file(Buffer.concat([head, Buffer.from([0x34, 0x2c, 0xff, 0x0a]), Buffer.from('5,6\n')]));
    expect((await failure(readCsv(far))).message).toMatch(new RegExp(`^${far}: line 100002: invalid UTF-8`));
    const gz = file(gzipSync(Buffer.concat([head, Buffer.from([0x34, 0x2c, 0xe2, 0x82])])), 'bad.csv.gz');
    expect((await failure(readCsv(gz))).message).toMatch(/: line 100002: invalid UTF-8/);
  });

  test('latin-1 text reads with its encoding', async () => {
    const path = file(Buffer.from([0x61, 0x0a, 0x4a, 0x6f, 0x73, 0xe9, 0x0a]));
    await failure(readCsv(path));
    expect((await readCsv(path, { encoding: 'latin1' })).column('a')).toEqual(['José']);
  });

  test('an empty file and a header-only file are errors unless allowEmpty', async () => {
    const empty = file('');
    expect((await failure(readCsv(empty))).message).toMatch(new RegExp(`^${empty} is empty`));
    const blank = file('\n\r\n\n');
    expect((await failure(readCsv(blank))).message).toMatch(/ is empty/);
    const emptyGz = file(gzipSync(''), 'empty.csv.gz');
    expect((await failure(readCsv(emptyGz))).message).toMatch(/ is empty/);
    const headerOnly = file('a,b\n');
    expect((await failure(readCsv(headerOnly))).message).toMatch(
      new RegExp(`^${headerOnly} has a header but no data rows`),
    );

    const table = await readCsv(headerOnly, { allowEmpty: true });
    expect(table.columnNames).toEqual(['a', 'b']);
    expect(table.numRows).toBe(0);
    expect((await readCsv(empty, { allowEmpty: true, columns: ['x'] })).columnNames).toEqual(['x']);
  });

  test('a file of only ragged rows after the header is not header-only', async () => {
    const quarantine = new Quarantine();
    const table = await readCsv(file('a,b\n1\n'), { quarantine });
    expect(table.numRows).toBe(0);
    expect(quarantine.size).toBe(1);
  });

  test('a truncated gzip stream is named as such', async () => {
    const whole = gzipSync(`a,b\n${'1,2\n'.repeat(20_000)}`);
    const path = file(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.csv.gz');
    const error = await failure(readCsv(path));
    expect(error.message).toMatch(new RegExp(`^${path}: gzip stream is truncated`));
    const corrupt = Buffer.from(whole);
    corrupt.fill(0x55, 10, 40);
    expect((await failure(readCsv(file(corrupt, 'corrupt.csv.gz')))).message).toMatch(/does not decompress/);
  });

  test('bad options are errors that name the option', async () => {
    const path = file('a\n1\n');
    expect((await failure(readCsv(path, { chunkRows: 0 }))).message).toMatch(/chunkRows is 0/);
    expect((await failure(readCsv(path, { delimiter: '"' }))).message).toMatch(/delimiter is "\\""/);
    expect((await failure(readCsv(path, { encoding: 'klingon' }))).message).toMatch(/klingon/);
  });
});

describe('readCsv: real data', () => {
  test('Online Retail excerpt (gzipped, quoted strings, unquoted numbers)', async () => {
    const table = await readCsv(join(fixtures, 'online_retail_300.csv.gz'));
    expect(table.columnNames).toEqual([
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
    ]);
    expect(table.numRows).toBe(300);
    expect(table.row(0)).toEqual({
      InvoiceNo: '536365',
      StockCode: '85123A',
      Description: 'WHITE HANGING HEART T-LIGHT HOLDER',
      Quantity: '6',
      InvoiceDate: '2010-12-01T08:26:00',
      UnitPrice: '2.55',
      CustomerID: '17850',
      Country: 'United Kingdom',
    });
    expect(table.row(299).Description).toBe('RED RETROSPOT MUG');
    expect(table.origins[299].line).toBe(301);
  });

  test('SMS Spam excerpt: headerless TSV whose text has stray quotes', async () => {
    const path = join(fixtures, 'sms_spam_200.tsv');
    // Quoting is on by default, so the first stray quote is reported where it is.
    expect((await failure(readCsv(path, { columns: ['label', 'text'] }))).message).toMatch(
      /: line 54, field 'text': a quote in the middle of an unquoted field/,
    );
    const table = await readCsv(path, { columns: ['label', 'text'], quote: '' });
    expect(table.numRows).toBe(200);
    expect(new Set(table.column('label'))).toEqual(new Set(['ham', 'spam']));
    expect(table.row(53).text).toMatch(/happy about "the cave"/);
  });
});
