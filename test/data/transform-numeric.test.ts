import { describe, expect, test } from 'vitest';
import { Table, type Value } from '../../src/data/table.js';
import {
  type ColumnSpec,
  type FittedFeatures,
  featurePipeline,
  TransformError,
} from '../../src/data/transform/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const fitOn = (spec: ColumnSpec, train: Value[]): FittedFeatures =>
  featurePipeline({ columns: { x: spec } }).fit(new Table({ x: train }));

const apply = (fitted: FittedFeatures, values: Value[]): number[][] =>
  (fitted.transform(new Table({ x: values })).x as Tensor).toArray() as number[][];

const column = (fitted: FittedFeatures, values: Value[]): number[] =>
  apply(fitted, values).map((row) => row[0]);

function expectClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    expect(g).toBeCloseTo(want[i], 5);
  });
}

describe('scaling', () => {
  test('standard uses the training mean and population std on later data', () => {
    const fitted = fitOn({ kind: 'standard' }, [1, 2, 3, 4]);
    const std = Math.sqrt(1.25);
    expectClose(column(fitted, [1, 4, 100]), [-1.5 / std, 1.5 / std, 97.5 / std]);
    expect(fitted.featureNames).toEqual(['x']);
  });

  test('standard on a constant column centres without dividing by zero', () => {
    const fitted = fitOn({ kind: 'standard' }, [5, 5, 5]);
    expectClose(column(fitted, [5, 7]), [0, 2]);
  });

  test('minMax maps the training range onto [0, 1] and extrapolates beyond it', () => {
    const fitted = fitOn({ kind: 'minMax' }, [2, 4, 10]);
    expectClose(column(fitted, [2, 6, 10, 12]), [0, 0.5, 1, 1.25]);
  });

  test('robust centres on the median and divides by the interquartile range', () => {
    // [1, 2, 3, 4, 100]: q25 = 2, median = 3, q75 = 4 (linear interpolation), IQR = 2.
    const fitted = fitOn({ kind: 'robust' }, [1, 2, 3, 4, 100]);
    expectClose(column(fitted, [5, 100, 3]), [1, 48.5, 0]);
  });

  test('number passes values through; CSV strings and booleans are read as numbers', () => {
    const fitted = fitOn({ kind: 'number' }, ['1.5', ' -2 ', '1e3', true]);
    expectClose(column(fitted, ['0.25', false, 7]), [0.25, 0, 7]);
  });
});

describe('log', () => {
  test('is log1p of the value', () => {
    const fitted = fitOn({ kind: 'log' }, [0, 1, 9]);
    expectClose(column(fitted, [0, Math.E - 1, 9]), [0, 1, Math.log(10)]);
    expect(fitted.featureNames).toEqual(['x_log']);
  });

  test('refuses negative values by default, at fit and at apply', () => {
    expect(() => fitOn({ kind: 'log' }, [3, -1])).toThrow(
      /column 'x' \(log\): value -1 is negative.*row at <memory>:2/,
    );
    const fitted = fitOn({ kind: 'log' }, [1, 2]);
    expect(() => column(fitted, [-3])).toThrow(TransformError);
  });

  test("negative: 'shift' shifts by the training minimum and floors later values there", () => {
    const fitted = fitOn({ kind: 'log', negative: 'shift' }, [-2, 0, 3]);
    expectClose(column(fitted, [-2, 3, -5]), [0, Math.log(6), 0]);
  });
});

describe('bins', () => {
  test('quantile edges are learned on train; x falls in bin i when edges[i-1] ≤ x < edges[i]', () => {
    // [1..8] quartiles: 2.75, 4.5, 6.25.
    const fitted = fitOn({ kind: 'bin', bins: 4 }, [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fitted.toJSON().columns[0].state.edges).toEqual([2.75, 4.5, 6.25]);
    expect(apply(fitted, [1, 2.75, 5, 100])).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
    expect(fitted.featureNames).toEqual(['x_bin0', 'x_bin1', 'x_bin2', 'x_bin3']);
  });

  test('uniform edges split [min, max] evenly; ordinal output gives the bin index', () => {
    const fitted = fitOn({ kind: 'bin', bins: 5, strategy: 'uniform', output: 'ordinal' }, [0, 10]);
    expect(column(fitted, [-1, 2, 9.99, 10, 50])).toEqual([0, 1, 4, 4, 4]);
    expect(fitted.featureNames).toEqual(['x_bin']);
  });

  test('given edges are used as they are', () => {
    const fitted = fitOn({ kind: 'bin', edges: [0, 10], output: 'ordinal' }, [1000]);
    expect(column(fitted, [-1, 0, 5, 10])).toEqual([0, 1, 1, 2]);
  });

  test('repeated quantile edges are merged, leaving fewer bins', () => {
    const fitted = fitOn({ kind: 'bin', bins: 4 }, [0, 0, 0, 0, 1]);
    expect(fitted.featureNames).toEqual(['x_bin0', 'x_bin1']);
    expect(apply(fitted, [0, 1])).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });
});

describe('missing numbers', () => {
  test('mean fill is learned on train, and the indicator marks filled values', () => {
    // Observed [1, 3]: mean 2, std 1. The fill makes the missing value the mean, so 0 once scaled.
    const fitted = fitOn({ kind: 'standard', fill: 'mean', indicator: true }, ['1', '', '3', null]);
    expect(fitted.featureNames).toEqual(['x', 'x_missing']);
    expect(apply(fitted, [null, 5, '', Number.NaN])).toEqual([
      [0, 1],
      [3, 0],
      [0, 1],
      [0, 1],
    ]);
  });

  test('median and constant fills', () => {
    expect(column(fitOn({ kind: 'number', fill: 'median' }, [1, 2, 10, null]), [null])).toEqual([2]);
    expect(column(fitOn({ kind: 'number', fill: 'constant', fillValue: -1 }, [1, null]), [null])).toEqual([
      -1,
    ]);
    expect(column(fitOn({ kind: 'minMax', fill: 'constant' }, [0, 4]), [null])).toEqual([0]);
  });

  test('without a fill, a missing value is an error at fit and at apply', () => {
    expect(() => fitOn({ kind: 'standard' }, [1, null])).toThrow(
      /column 'x' \(standard\): a value is missing.*fill/,
    );
    const fitted = fitOn({ kind: 'standard' }, [1, 2]);
    expect(() => fitted.transformRecord({ x: null })).toThrow(/column 'x'.*missing/);
    expect(() => fitted.transformRecord({})).toThrow(/column 'x'.*missing/);
  });

  test('a column with no values at all cannot be fitted', () => {
    expect(() => fitOn({ kind: 'standard', fill: 'mean' }, [null, ''])).toThrow(/no values to fit on/);
  });
});

describe('wrong types', () => {
  test('text in a number column names the column, the value and the row', () => {
    const train = new Table({ x: ['1', 'abc'] }, [
      { source: 'train.csv', line: 2 },
      { source: 'train.csv', line: 3 },
    ]);
    expect(() => featurePipeline({ columns: { x: { kind: 'standard' } } }).fit(train)).toThrow(
      /column 'x' \(standard\): value "abc" is not a number.*row at train\.csv:3/,
    );
    const fitted = fitOn({ kind: 'standard' }, [1, 2]);
    expect(() => fitted.transformRecord({ x: 'n/a' })).toThrow(
      /column 'x' \(standard\): value "n\/a" is not a number/,
    );
    expect(() => fitted.transformRecord({ x: new Date(0) })).toThrow(
      /value 1970-01-01T00:00:00.000Z is not a number/,
    );
    expect(() => fitted.transformRecord({ x: '1,234' })).toThrow(TransformError);
  });
});

describe('spec errors name the column and the key', () => {
  test.each([
    [{ kind: 'bin', bins: 1 }, /column 'x': bins is 1, expected an integer ≥ 2/],
    [
      { kind: 'bin', edges: [3, 1] },
      /column 'x': edges is \[3,1\], expected a non-empty array of increasing numbers/,
    ],
    [{ kind: 'bin', edges: [1], bins: 3 }, /column 'x': edges .* without bins and strategy/],
    [
      { kind: 'standard', fillValue: 3 },
      /column 'x': fillValue is 3, expected to come with fill: 'constant'/,
    ],
    [{ kind: 'log', negative: 'clip' }, /column 'x': negative is "clip", expected one of 'error', 'shift'/],
    [{ kind: 'minMax', indicator: 'yes' }, /column 'x': indicator is "yes", expected true or false/],
  ])('%j', (spec, message) => {
    expect(() => featurePipeline({ columns: { x: spec as ColumnSpec } })).toThrow(message);
  });
});
