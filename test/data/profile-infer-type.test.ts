import { describe, expect, test } from 'vitest';
import {
  conformingCount,
  DEFAULT_READ_OPTIONS,
  dominantKind,
  emptyKindCounts,
  isMissing,
  type KindCounts,
  parseDatetime,
  parseNumber,
  readAs,
  readOptions,
  readValue,
  valueKey,
} from '../../src/data/infer-type.js';

describe('readValue', () => {
  test.each([
    ['42', 'integer', 42],
    [' -7 ', 'integer', -7],
    ['+3', 'integer', 3],
    ['3.25', 'number', 3.25],
    ['1.0', 'number', 1],
    ['.5', 'number', 0.5],
    ['1e3', 'number', 1000],
    ['-2.5E-2', 'number', -0.025],
    ['1,234', 'integer', 1234],
    ['12,345,678', 'integer', 12345678],
    ['1,234.5', 'number', 1234.5],
    ['1234,5', 'number', 1234.5],
    ['0,125', 'number', 0.125],
    ['1.234', 'number', 1.234],
    ['1.234.567', 'integer', 1234567],
    ['1.234,5', 'number', 1234.5],
    ['true', 'boolean', true],
    ['FALSE', 'boolean', false],
    ['Yes', 'boolean', true],
    ['no', 'boolean', false],
    ['Y', 'boolean', true],
    ['n', 'boolean', false],
    ['0', 'integer', 0],
    ['1', 'integer', 1],
    ['hello world', 'string', 'hello world'],
    ['  padded ', 'string', 'padded'],
    ['1,2,3', 'string', '1,2,3'],
    ['1 234', 'string', '1 234'],
    ['$5', 'string', '$5'],
    ['0,123,456', 'string', '0,123,456'],
  ])('%j reads as %s', (text, kind, value) => {
    expect(readValue(text)).toEqual({ kind, value });
  });

  test.each([
    ['2010-12-01', Date.UTC(2010, 11, 1)],
    ['2010-12-01 08:26:00', Date.UTC(2010, 11, 1, 8, 26)],
    ['2010-12-01T08:26:00Z', Date.UTC(2010, 11, 1, 8, 26)],
    ['2010-12-01T08:26:00.250Z', Date.UTC(2010, 11, 1, 8, 26, 0, 250)],
    ['2010-12-01T08:26:00+01:00', Date.UTC(2010, 11, 1, 7, 26)],
    ['2010-12-01T08:26-0530', Date.UTC(2010, 11, 1, 13, 56)],
    ['12/1/2010 8:26', Date.UTC(2010, 11, 1, 8, 26)],
    ['12/1/2010', Date.UTC(2010, 11, 1)],
    ['1/2/2011 11:05:09 PM', Date.UTC(2011, 0, 2, 23, 5, 9)],
    ['1/2/2011 12:00 AM', Date.UTC(2011, 0, 2, 0, 0)],
    ['01.12.2010', Date.UTC(2010, 11, 1)],
    ['1.12.2010 13:45', Date.UTC(2010, 11, 1, 13, 45)],
    ['2010/12/01 08:26', Date.UTC(2010, 11, 1, 8, 26)],
    ['2012-02-29', Date.UTC(2012, 1, 29)],
  ])('%j reads as a datetime', (text, ms) => {
    expect(readValue(text)).toEqual({ kind: 'datetime', value: ms });
  });

  test.each([
    '2010-02-30',
    '2011-02-29',
    '13/1/2010',
    '2010-13-01',
    '2010-12-01 24:00',
    '12/1/10',
    '32.01.2010',
    '13:00 PM',
  ])('%j is not a datetime', (text) => {
    expect(readValue(text).kind).toBe('string');
  });

  test('day-first slash dates with dateOrder dmy', () => {
    expect(parseDatetime('13/1/2010', 'dmy')).toBe(Date.UTC(2010, 0, 13));
    expect(parseDatetime('1/12/2010', 'dmy')).toBe(Date.UTC(2010, 11, 1));
    expect(parseDatetime('1/12/2010', 'mdy')).toBe(Date.UTC(2010, 0, 12));
  });

  test('years below 100 are kept as written', () => {
    expect(new Date(parseDatetime('0099-01-01')!).getUTCFullYear()).toBe(99);
  });

  test.each([null, '', '   ', '\t', 'NA', 'na', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', '-', ' - '])(
    '%j is missing',
    (value) => {
      expect(readValue(value)).toEqual({ kind: 'missing' });
      expect(isMissing(value)).toBe(true);
    },
  );

  test('sentinels are configurable and replace the defaults', () => {
    const options = readOptions({ sentinels: ['missing', '-999'] });
    expect(readValue('MISSING', options).kind).toBe('missing');
    expect(readValue('-999', options).kind).toBe('missing');
    expect(readValue('NA', options)).toEqual({ kind: 'string', value: 'NA' });
    expect(readValue('-', options)).toEqual({ kind: 'string', value: '-' });
    expect(readValue('', options).kind).toBe('missing');
  });

  test('typed values pass through', () => {
    expect(readValue(3)).toEqual({ kind: 'integer', value: 3 });
    expect(readValue(-0.5)).toEqual({ kind: 'number', value: -0.5 });
    expect(readValue(Number.NaN)).toEqual({ kind: 'missing' });
    expect(readValue(Number.NEGATIVE_INFINITY)).toEqual({ kind: 'string', value: '-Infinity' });
    expect(readValue(true)).toEqual({ kind: 'boolean', value: true });
    expect(readValue(new Date(Date.UTC(2020, 0, 1)))).toEqual({
      kind: 'datetime',
      value: Date.UTC(2020, 0, 1),
    });
    expect(readValue(new Date('nonsense'))).toEqual({ kind: 'missing' });
  });
});

describe('decimal separators', () => {
  test("',' makes the comma the decimal separator and dots group thousands", () => {
    expect(parseNumber('1,234', ',')).toBe(1.234);
    expect(parseNumber('1.234', ',')).toBe(1234);
    expect(parseNumber('1.234.567,89', ',')).toBe(1234567.89);
    expect(parseNumber('42', ',')).toBe(42);
    expect(parseNumber('1,234.5', ',')).toBeNull();
  });

  test("'.' refuses the decimal comma", () => {
    expect(parseNumber('1234,5', '.')).toBeNull();
    expect(parseNumber('1,234.5', '.')).toBe(1234.5);
    expect(parseNumber('1.234.567', '.')).toBeNull();
  });

  test('the mode reaches readValue', () => {
    const comma = readOptions({ decimalSeparator: ',' });
    expect(readValue('1,5', comma)).toEqual({ kind: 'number', value: 1.5 });
    expect(readValue('1,234', comma)).toEqual({ kind: 'number', value: 1.234 });
    expect(readValue('1,234')).toEqual({ kind: 'integer', value: 1234 });
  });
});

describe('column kinds', () => {
  const counts = (c: Partial<KindCounts>): KindCounts => ({ ...emptyKindCounts(), ...c });

  test('integers, numbers, booleans, datetimes, strings', () => {
    expect(dominantKind(counts({ integer: 10 }))).toBe('integer');
    expect(dominantKind(counts({ integer: 10, number: 3 }))).toBe('number');
    expect(dominantKind(counts({ boolean: 10 }))).toBe('boolean');
    expect(dominantKind(counts({ datetime: 10 }))).toBe('datetime');
    expect(dominantKind(counts({ string: 10 }))).toBe('string');
    expect(dominantKind(counts({}))).toBe('string');
  });

  test('a 0/1 column is integer, but boolean once it has boolean words', () => {
    expect(dominantKind(counts({ integer: 100, binaryIntegers: 100 }))).toBe('integer');
    expect(dominantKind(counts({ integer: 60, binaryIntegers: 60, boolean: 40 }))).toBe('boolean');
    expect(dominantKind(counts({ integer: 60, binaryIntegers: 50, boolean: 40 }))).toBe('string');
  });

  test('a few stray values are tolerated, more are not', () => {
    expect(dominantKind(counts({ number: 995, string: 5 }))).toBe('number');
    expect(dominantKind(counts({ number: 950, string: 50 }))).toBe('string');
    expect(dominantKind(counts({ number: 950, string: 50 }), 0.1)).toBe('number');
    expect(dominantKind(counts({ datetime: 999, string: 1 }), 0)).toBe('string');
  });

  test('conformingCount says which values read as a type', () => {
    const c = counts({ integer: 5, number: 3, boolean: 2, binaryIntegers: 4, datetime: 1, string: 7 });
    expect(conformingCount(c, 'integer')).toBe(5);
    expect(conformingCount(c, 'number')).toBe(8);
    expect(conformingCount(c, 'boolean')).toBe(6);
    expect(conformingCount(c, 'datetime')).toBe(1);
    expect(conformingCount(c, 'category')).toBe(18);
    expect(conformingCount(c, 'text')).toBe(18);
  });
});

describe('readAs', () => {
  test('reads values as a declared type', () => {
    expect(readAs('1', 'boolean')).toBe(true);
    expect(readAs('0', 'boolean')).toBe(false);
    expect(readAs('2', 'boolean')).toBeUndefined();
    expect(readAs('1.5', 'integer')).toBeUndefined();
    expect(readAs('1,234.5', 'number')).toBe(1234.5);
    expect(readAs('12/1/2010 8:26', 'datetime')).toBe(Date.UTC(2010, 11, 1, 8, 26));
    expect(readAs(' UK ', 'category')).toBe('UK');
    expect(readAs(7, 'category')).toBe('7');
    expect(readAs('NA', 'number')).toBeNull();
    expect(readAs('abc', 'number', DEFAULT_READ_OPTIONS)).toBeUndefined();
  });

  test('valueKey is the trimmed text as written', () => {
    expect(valueKey(' a ')).toBe('a');
    expect(valueKey(1.5)).toBe('1.5');
    expect(valueKey(false)).toBe('false');
    expect(valueKey(new Date(Date.UTC(2020, 0, 1)))).toBe('2020-01-01T00:00:00.000Z');
  });
});
