import { describe, expect, test } from 'vitest';
import { Table, type Value } from '../../src/data/table.js';
import {
  type DateSpec,
  type FittedFeatures,
  featurePipeline,
  parseDateText,
} from '../../src/data/transform/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const fitOn = (spec: DateSpec, train: Value[]): FittedFeatures =>
  featurePipeline({ columns: { when: spec } }).fit(new Table({ when: train }));

const rows = (fitted: FittedFeatures, values: Value[]): number[][] =>
  (fitted.transform(new Table({ when: values })).x as Tensor).toArray() as number[][];

function expectClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    expect(g).toBeCloseTo(want[i], 5);
  });
}

const PARTS_ONLY: DateSpec = { kind: 'date', cyclical: [], scale: 'none' };

describe('parsing', () => {
  test.each([
    ['2024-03-05', Date.UTC(2024, 2, 5)],
    ['2024-03-05T14:30:15Z', Date.UTC(2024, 2, 5, 14, 30, 15)],
    ['2024-03-05T14:30:15.250Z', Date.UTC(2024, 2, 5, 14, 30, 15, 250)],
    ['2024-03-05 14:30', Date.UTC(2024, 2, 5, 14, 30)],
    ['2024-03-05T01:30+02:00', Date.UTC(2024, 2, 4, 23, 30)],
    ['2024-03-05T01:30-0130', Date.UTC(2024, 2, 5, 3, 0)],
    ['12/1/2010 8:26', Date.UTC(2010, 11, 1, 8, 26)],
    ['3/15/2024', Date.UTC(2024, 2, 15)],
  ])('%s', (text, time) => {
    expect(parseDateText(text)).toBe(time);
  });

  test.each(['2024-02-30', '2023-02-29', '13/1/2024', '2024-03-05 24:00', 'March 5', '20240305'])(
    'refuses %s',
    (text) => {
      expect(parseDateText(text)).toBeNull();
    },
  );
});

describe('parts', () => {
  test('year, month, day, weekday (Monday 0), hour and dayOfYear, in UTC', () => {
    const fitted = fitOn(PARTS_ONLY, ['2024-01-01']);
    expect(fitted.featureNames).toEqual([
      'when_year',
      'when_month',
      'when_day',
      'when_weekday',
      'when_hour',
      'when_dayOfYear',
    ]);
    expect(
      rows(fitted, ['2024-03-05T01:30+02:00', '12/1/2010 8:26', '2023-07-09', '2024-12-31 23:59']),
    ).toEqual([
      [2024, 3, 4, 0, 23, 64],
      [2010, 12, 1, 2, 8, 335],
      [2023, 7, 9, 6, 0, 190],
      [2024, 12, 31, 1, 23, 366],
    ]);
  });

  test('a Date and its ISO text give the same features', () => {
    const fitted = fitOn({ kind: 'date' }, ['2024-01-01', '2024-06-15 12:00']);
    const when = new Date(Date.UTC(2024, 4, 17, 9, 45));
    expect(rows(fitted, [when])).toEqual(rows(fitted, ['2024-05-17T09:45:00Z']));
  });

  test('standard scaling uses the training mean and std of each part', () => {
    // Years 2020 and 2022: mean 2021, std 1.
    const fitted = fitOn({ kind: 'date', parts: ['year'], cyclical: [] }, ['2020-05-01', '2022-05-01']);
    expectClose(
      rows(fitted, ['2023-01-01', '2021-01-01']).map((r) => r[0]),
      [2, 0],
    );
  });
});

describe('cyclical', () => {
  test('sin and cos of 2π·p/period for month − 1, weekday and hour', () => {
    const fitted = fitOn({ kind: 'date', parts: [] }, ['2024-01-01']);
    expect(fitted.featureNames).toEqual([
      'when_month_sin',
      'when_month_cos',
      'when_weekday_sin',
      'when_weekday_cos',
      'when_hour_sin',
      'when_hour_cos',
    ]);
    const [january, april, july] = rows(fitted, ['2024-01-01 06:00', '2024-04-07 18:00', '2024-07-01 00:00']);
    // 2024-01-01 is a Monday (0); 2024-04-07 a Sunday (6).
    expectClose(january, [0, 1, 0, 1, 1, 0]);
    const sunday = (2 * Math.PI * 6) / 7;
    expectClose(april, [1, 0, Math.sin(sunday), Math.cos(sunday), -1, 0]);
    expectClose(july, [0, -1, 0, 1, 0, 1]);
  });

  test('December sits next to January', () => {
    const fitted = fitOn({ kind: 'date', parts: [], cyclical: ['month'] }, ['2024-01-01']);
    const [dec, jan, jun] = rows(fitted, ['2023-12-15', '2024-01-15', '2024-06-15']);
    const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    expect(distance(dec, jan)).toBeCloseTo(2 * Math.sin(Math.PI / 12), 5);
    expect(distance(dec, jun)).toBeGreaterThan(1.9);
  });
});

describe('missing and wrong values', () => {
  test('a missing date is an error unless indicator: true', () => {
    expect(() => fitOn(PARTS_ONLY, ['2024-01-01', null])).toThrow(
      /column 'when' \(date\): a value is missing/,
    );
    const fitted = fitOn({ ...PARTS_ONLY, parts: ['month'], indicator: true }, ['2024-03-01', '']);
    expect(fitted.featureNames).toEqual(['when_month', 'when_missing']);
    expect(rows(fitted, [null, '2024-05-01'])).toEqual([
      [0, 1],
      [5, 0],
    ]);
  });

  test('a value that is not a date names the column and the value', () => {
    const fitted = fitOn(PARTS_ONLY, ['2024-01-01']);
    expect(() => fitted.transformRecord({ when: '2024-02-30' })).toThrow(
      /column 'when' \(date\): value "2024-02-30" is not a date/,
    );
    expect(() => fitted.transformRecord({ when: 1_700_000_000_000 })).toThrow(
      /value 1700000000000 is not a date/,
    );
    expect(() => fitted.transformRecord({ when: new Date(Number.NaN) })).toThrow(
      /value Invalid Date is not a date/,
    );
  });

  test('spec errors name the column and the key', () => {
    expect(() =>
      featurePipeline({ columns: { when: { kind: 'date', parts: ['minute'] } as never } }),
    ).toThrow(/column 'when': parts is \["minute"\], expected distinct entries from 'year'/);
    expect(() => featurePipeline({ columns: { when: { kind: 'date', parts: [], cyclical: [] } } })).toThrow(
      /column 'when': parts is \[\], expected at least one part/,
    );
  });
});
