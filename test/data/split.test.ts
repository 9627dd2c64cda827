import { describe, expect, test } from 'vitest';
import { kFold, timeSplit, timeSplitIndices, trainTestSplit } from '../../src/data/split.js';
import { Table } from '../../src/data/table.js';
import { tensor } from '../../src/tensor/creation.js';
import { ValueError } from '../../src/tensor/errors.js';
import { setSeed } from '../../src/tensor/random.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/** The parts are disjoint and together hold every index once. */
function expectPartition(parts: readonly (readonly number[])[], n: number) {
  expect(sorted(parts.flat())).toEqual(range(n));
}

/** Labels with classes of 50, 30 and 20 samples, interleaved. */
const labels = range(100).map((i) => (i % 10 < 5 ? 'a' : i % 10 < 8 ? 'b' : 'c'));
const count = (ids: readonly number[], label: string) => ids.filter((i) => labels[i] === label).length;

describe('trainTestSplit', () => {
  test('sizes, a partition, shuffled and seeded', () => {
    const split = trainTestSplit(100, { seed: 1 });
    expect(split.train).toHaveLength(80);
    expect(split.test).toHaveLength(20);
    expect(split.validation).toBeUndefined();
    expectPartition([split.train, split.test], 100);
    expect(split.test).not.toEqual(range(100).slice(80));
    expect(trainTestSplit(100, { seed: 1 })).toEqual(split);
    expect(trainTestSplit(100, { seed: 2 }).test).not.toEqual(split.test);
  });

  test('a fraction rounds the test part up (as sklearn); a count ≥ 1 is taken as is', () => {
    expect(trainTestSplit(11, { seed: 1, testSize: 0.25 }).test).toHaveLength(3);
    expect(trainTestSplit(11, { seed: 1, testSize: 4 }).test).toHaveLength(4);
  });

  test('validation is a third part', () => {
    const split = trainTestSplit(100, { seed: 3, testSize: 0.2, validationSize: 0.1 });
    expect([split.train.length, split.validation?.length, split.test.length]).toEqual([70, 10, 20]);
    expectPartition([split.train, split.validation ?? [], split.test], 100);
  });

  test('shuffle: false keeps order, the test rows last', () => {
    const split = trainTestSplit(10, { shuffle: false, testSize: 0.3, validationSize: 0.2 });
    expect(split).toEqual({ train: [0, 1, 2, 3, 4], validation: [5, 6], test: [7, 8, 9] });
  });

  test('without a seed, setSeed makes it reproducible', () => {
    setSeed(4);
    const a = trainTestSplit(50);
    setSeed(4);
    expect(trainTestSplit(50)).toEqual(a);
  });

  test('stratify keeps each class share within one sample', () => {
    const split = trainTestSplit(100, { seed: 5, testSize: 0.25, validationSize: 0.15, stratify: labels });
    expect([split.train.length, split.validation?.length, split.test.length]).toEqual([60, 15, 25]);
    expectPartition([split.train, split.validation ?? [], split.test], 100);
    const sizes = { a: 50, b: 30, c: 20 };
    for (const [label, size] of Object.entries(sizes)) {
      expect(Math.abs(count(split.test, label) - size * 0.25)).toBeLessThan(1);
      expect(Math.abs(count(split.validation ?? [], label) - size * 0.15)).toBeLessThan(1);
    }
    // An unstratified split of this data does drift from the shares.
    const drift = range(10).some((seed) => {
      const plain = trainTestSplit(100, { seed, testSize: 0.25 });
      return Object.entries(sizes).some(
        ([label, size]) => Math.abs(count(plain.test, label) - size * 0.25) >= 1,
      );
    });
    expect(drift).toBe(true);
  });

  test('stratify by a table column, or by a labels tensor', () => {
    const table = new Table({ id: range(100), label: labels });
    const split = trainTestSplit(table, { seed: 6, stratify: 'label' });
    expect(split.train.numRows + split.test.numRows).toBe(100);
    expect(split.test.column('label').filter((l) => l === 'c')).toHaveLength(4);
    expect(sorted([...split.train.column('id'), ...split.test.column('id')] as number[])).toEqual(range(100));
    expect(split.test.origins.map((o) => o.line)).toEqual(
      split.test.column('id').map((id) => (id as number) + 1),
    );

    const classes = tensor(Int32Array.from(labels.map((l) => 'abc'.indexOf(l))));
    const byTensor = trainTestSplit(100, { seed: 6, stratify: classes });
    expect(byTensor.test.filter((i) => labels[i] === 'b')).toHaveLength(6);
  });

  test('bad arguments say what is wrong', () => {
    expect(() => trainTestSplit(10, { testSize: 0.6, validationSize: 0.5 })).toThrow(
      /leave no training rows/,
    );
    expect(() => trainTestSplit(10, { testSize: 1.5 })).toThrow(/testSize is 1.5/);
    expect(() => trainTestSplit(10, { stratify: [1, 2] })).toThrow(/stratify has 2 labels for 10 rows/);
    expect(() => trainTestSplit(10, { stratify: 'label' })).toThrow(/pass a table or a labels array/);
    expect(() => trainTestSplit(10, { shuffle: false, stratify: range(10) })).toThrow(/needs shuffle: true/);
    expect(() => trainTestSplit(0)).toThrow(ValueError);
  });
});

describe('timeSplit', () => {
  const purchases = new Table({
    customer: ['ann', 'ann', 'ann', 'bob', 'bob', 'bob', 'cid'],
    date: [
      '2024-01-05',
      '2024-02-20',
      '2024-03-10',
      new Date('2023-11-01T00:00:00Z'),
      '2023-12-15',
      '2024-01-10',
      '2024-03-31',
    ],
  });

  test('testFrom: rows at or after the moment are the test set, in order', () => {
    const { train, test } = timeSplit(purchases, { column: 'date', testFrom: '2024-01-10' });
    expect(test.column('customer')).toEqual(['ann', 'ann', 'bob', 'cid']);
    expect(train.column('customer')).toEqual(['ann', 'bob', 'bob']);
    expect(timeSplitIndices(purchases, { column: 'date', testFrom: new Date('2024-03-01') }).test).toEqual([
      2, 6,
    ]);
  });

  test("by customer: the last month of each customer's purchases is the test set", () => {
    const split = timeSplitIndices(purchases, { column: 'date', testLast: { months: 1 }, by: 'customer' });
    // ann: after 2024-02-10; bob: after 2023-12-10; cid: after 2024-02-29 (31 March − 1 month).
    expect(split).toEqual({ train: [0, 3], test: [1, 2, 4, 5, 6] });
    const days = timeSplitIndices(purchases, { column: 'date', testLast: { days: 15 }, by: 'customer' });
    expect(days.test).toEqual([2, 5, 6]);
  });

  test('without by, the span counts back from the latest date overall', () => {
    const split = timeSplitIndices(purchases, { column: 'date', testLast: { months: 2 } });
    // Latest 2024-03-31 → after 2024-01-31.
    expect(split.test).toEqual([1, 2, 6]);
  });

  test('an unreadable date names its row; a bad span or cutoff is refused', () => {
    const bad = new Table({ date: ['2024-01-01', 'soon'] }, [
      { source: 'orders.csv', line: 2 },
      { source: 'orders.csv', line: 3 },
    ]);
    expect(() => timeSplit(bad, { column: 'date', testFrom: '2024-01-01' })).toThrow(
      /orders\.csv:3: 'date' is "soon", not a date/,
    );
    expect(() => timeSplit(purchases, { column: 'date', testLast: {} })).toThrow(/testLast is/);
    expect(() => timeSplit(purchases, { column: 'date', testFrom: 'later' })).toThrow(/testFrom is "later"/);
    expect(() => timeSplit(purchases, { column: 'when', testFrom: '2024-01-01' })).toThrow(
      /no column 'when'/,
    );
  });
});

describe('kFold', () => {
  test('every index is tested exactly once; train is the rest; sizes within one', () => {
    const folds = [...kFold(23, 5, { seed: 1 })];
    expect(folds).toHaveLength(5);
    expectPartition(
      folds.map((f) => f.test),
      23,
    );
    for (const fold of folds) expectPartition([fold.train, fold.test], 23);
    expect(folds.map((f) => f.test.length)).toEqual([5, 5, 5, 4, 4]);
    expect([...kFold(23, 5, { seed: 1 })]).toEqual(folds);
    expect([...kFold(23, 5, { seed: 2 })]).not.toEqual(folds);
  });

  test('shuffle: false gives contiguous folds', () => {
    expect([...kFold(5, 2, { shuffle: false })]).toEqual([
      { train: [3, 4], test: [0, 1, 2] },
      { train: [0, 1, 2], test: [3, 4] },
    ]);
  });

  test('stratified folds hold each class share within one sample', () => {
    const folds = [...kFold(100, 3, { seed: 4, stratify: labels })];
    expectPartition(
      folds.map((f) => f.test),
      100,
    );
    for (const fold of folds) {
      for (const [label, size] of Object.entries({ a: 50, b: 30, c: 20 })) {
        expect(Math.abs(count(fold.test, label) - size / 3)).toBeLessThan(1);
      }
    }
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  test('k must be in 2..n', () => {
    expect(() => [...kFold(5, 1)]).toThrow(/k is 1, expected a whole number in 2\.\.5/);
    expect(() => [...kFold(5, 6)]).toThrow(ValueError);
  });
});
