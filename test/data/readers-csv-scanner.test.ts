import { describe, expect, test } from 'vitest';
import { CsvScanError, CsvScanner, type CsvScannerOptions } from '../../src/data/csv-scanner.js';

const defaults: CsvScannerOptions = { delimiter: ',', quote: '"', maxRecordBytes: 1024 };

/** Scans `pieces` in order; returns [fields, line, raw] per record. */
function scan(pieces: readonly string[], options: Partial<CsvScannerOptions> = {}) {
  const scanner = new CsvScanner({ ...defaults, ...options });
  const records = pieces.flatMap((piece) => scanner.push(piece));
  records.push(...scanner.end());
  return records.map((r) => [r.fields, r.line, r.raw]);
}

/** The error scanning `text` raises, as [code, line, column, next]. */
function failure(text: string, options: Partial<CsvScannerOptions> = {}) {
  try {
    scan([text], options);
  } catch (error) {
    expect(error).toBeInstanceOf(CsvScanError);
    const e = error as CsvScanError;
    return [e.code, e.line, e.column, e.next];
  }
  throw new Error('expected a CsvScanError');
}

// Inputs that stress the state carried between pieces: CRLF, doubled quotes, quoted line breaks.
const samples: [string, Partial<CsvScannerOptions>][] = [
  ['a,b\n1,"x\r\ny"\r\n\r\n2,""""\r3,4', {}],
  ['\n\n"a""b",c\r\n"",\n,\n"q\rr",s\n', {}],
  ['a::b\n"1"::2::3\r\n::\n', { delimiter: '::' }],
  ['a\t"b\n1\t2"x\n', { delimiter: '\t', quote: '' }],
];

describe('CsvScanner', () => {
  test('fields, start lines and raw text', () => {
    expect(scan(['a,b\n1,"x\r\ny"\r\n\r\n2,""""\r3,4'])).toEqual([
      [['a', 'b'], 1, 'a,b'],
      [['1', 'x\r\ny'], 2, '1,"x\r\ny"'],
      [['2', '"'], 5, '2,""""'],
      [['3', '4'], 6, '3,4'],
    ]);
    expect(scan(['a::b\n1::::2\n'], { delimiter: '::' })).toEqual([
      [['a', 'b'], 1, 'a::b'],
      [['1', '', '2'], 2, '1::::2'],
    ]);
    expect(scan(['a,"b\n'], { quote: '' })).toEqual([[['a', '"b'], 1, 'a,"b']]);
    expect(scan(['x,\n,\n'])).toEqual([
      [['x', ''], 1, 'x,'],
      [['', ''], 2, ','],
    ]);
  });

  test.each(samples)('any split into pieces gives the same records: %j', (text, options) => {
    const whole = scan([text], options);
    for (let i = 0; i <= text.length; i++) {
      expect(scan([text.slice(0, i), text.slice(i)], options)).toEqual(whole);
    }
    expect(scan([...text], options)).toEqual(whole);
  });

  test('malformed quoting names line and field', () => {
    expect(failure('a,b\n1,"x\ny\n')).toEqual(['unclosedQuote', 2, 1, '']);
    expect(failure('a,b\n1,"x"y\n')).toEqual(['badClosingQuote', 2, 1, 'y']);
    expect(failure('a,b\r\n"1\r\n2" ,3\n')).toEqual(['badClosingQuote', 3, 0, ' ']);
    expect(failure('a,b\n1,5" x\n')).toEqual(['badOpeningQuote', 2, 1, '']);
  });

  test('a record past maxRecordBytes fails on its start line, also when cut into pieces', () => {
    expect(failure(`a\n"${'é'.repeat(20)}"\n`, { maxRecordBytes: 30 })).toEqual(['recordTooLarge', 2, 0, '']);
    expect(scan([`"${'é'.repeat(10)}"\n`], { maxRecordBytes: 30 })).toHaveLength(1);
    const scanner = new CsvScanner({ ...defaults, maxRecordBytes: 100 });
    scanner.push('a,b\n1,"');
    expect(() => {
      for (let i = 0; i < 20; i++) scanner.push('xxxxxxxxxx');
    }).toThrow(CsvScanError);
  });
});
