import { describe, expect, test } from 'vitest';
import { Table, type Value } from '../../src/data/table.js';
import {
  type ColumnSpec,
  type FittedFeatures,
  featurePipeline,
  fnv1a32,
} from '../../src/data/transform/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const fitOn = (spec: ColumnSpec, train: Value[]): FittedFeatures =>
  featurePipeline({ columns: { x: spec } }).fit(new Table({ x: train }));

const dense = (fitted: FittedFeatures, values: Value[]): number[][] =>
  (fitted.transform(new Table({ x: values })).x as Tensor).toArray() as number[][];

const TRAIN = ['b', 'a', 'b', 'c', 'a', 'b', 'd'];

describe('oneHot', () => {
  test('categories by count, ties in code-unit order, after the unknown bucket', () => {
    const fitted = fitOn({ kind: 'oneHot' }, TRAIN);
    expect(fitted.featureNames).toEqual(['x=<unknown>', 'x=b', 'x=a', 'x=c', 'x=d']);
    expect(dense(fitted, ['a', 'd', 'zzz', null, ''])).toEqual([
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
    ]);
  });

  test('the layout does not depend on row order', () => {
    const shuffled = ['d', 'c', 'b', 'a', 'b', 'a', 'b'];
    expect(fitOn({ kind: 'oneHot' }, shuffled).featureNames).toEqual(
      fitOn({ kind: 'oneHot' }, TRAIN).featureNames,
    );
  });

  test('maxCategories and minFrequency send the rest to the unknown bucket', () => {
    const capped = fitOn({ kind: 'oneHot', maxCategories: 2 }, TRAIN);
    expect(capped.featureNames).toEqual(['x=<unknown>', 'x=b', 'x=a']);
    expect(dense(capped, ['c'])).toEqual([[1, 0, 0]]);
    const frequent = fitOn({ kind: 'oneHot', minFrequency: 2 }, TRAIN);
    expect(frequent.featureNames).toEqual(['x=<unknown>', 'x=b', 'x=a']);
  });

  test('numbers and booleans match their text, so CSV and JSON values agree', () => {
    const fitted = fitOn({ kind: 'oneHot' }, ['1', '2', 'true']);
    const fromCsv = fitted.transformRecord({ x: '1' }).x as Tensor;
    const fromJson = fitted.transformRecord({ x: 1 }).x as Tensor;
    expect(fromJson.toArray()).toEqual(fromCsv.toArray());
    expect((fitted.transformRecord({ x: true }).x as Tensor).toArray()).toEqual([[0, 0, 0, 1]]);
  });
});

describe('ordinal and index', () => {
  test('ordinal gives the index, 0 for unknown; a given order is kept', () => {
    const fitted = fitOn({ kind: 'ordinal', categories: ['low', 'medium', 'high'] }, ['high']);
    expect(dense(fitted, ['high', 'low', 'medium', 'extreme', null])).toEqual([[3], [1], [2], [0], [0]]);
  });

  test('index goes to its own int32 input, with inputDim for the Embedding layer', () => {
    const fitted = fitOn({ kind: 'index' }, TRAIN);
    expect(fitted.inputDims).toEqual({ x: 5 });
    expect(fitted.inputNames).toEqual(['x']);
    const { x } = fitted.transform(new Table({ x: ['b', 'd', 'nope'] }));
    const ids = (x as Record<string, Tensor>).x;
    expect(ids.dtype).toBe('int32');
    expect(ids.shape).toEqual([3, 1]);
    expect(ids.toArray()).toEqual([[1], [4], [0]]);
  });
});

describe('hashing', () => {
  test('fnv1a32 matches the published FNV-1a test vectors and hashes UTF-8 bytes', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('café')).toBe(0xa82b5049);
  });

  test('bins are fixed: the same on every run and machine', () => {
    // fnv1a32 mod 16: 'Month-to-month' 10, 'One year' 4, 'Two year' 14, 'café' 9, '' 5.
    const fitted = fitOn({ kind: 'hash', numBins: 16, output: 'index' }, []);
    const { x } = fitted.transform(
      new Table({ x: ['Month-to-month', 'One year', 'Two year', 'café', null] }),
    );
    expect((x as Record<string, Tensor>).x.toArray()).toEqual([[10], [4], [14], [9], [5]]);
    expect(fitted.inputDims).toEqual({ x: 16 });
  });

  test('one-hot over the bins by default', () => {
    const fitted = fitOn({ kind: 'hash', numBins: 7 }, ['anything']);
    expect(fitted.featureNames).toHaveLength(7);
    // fnv1a32('a') mod 7 = 5; the number 1 hashes as '1': mod 7 = 2.
    expect(dense(fitted, ['a', 1])).toEqual([
      [0, 0, 0, 0, 0, 1, 0],
      [0, 0, 1, 0, 0, 0, 0],
    ]);
  });
});

describe('spec errors name the column and the key', () => {
  test.each([
    [{ kind: 'hash' }, /column 'x': numBins is missing, expected an integer ≥ 1/],
    [{ kind: 'oneHot', maxCategories: 0 }, /column 'x': maxCategories is 0, expected an integer ≥ 1/],
    [{ kind: 'ordinal', categories: ['a', 'a'] }, /column 'x': categories is \["a","a"\], expected distinct/],
    [
      { kind: 'oneHot', categories: ['a'], minFrequency: 2 },
      /column 'x': categories .* without maxCategories/,
    ],
    [
      { kind: 'hash', numBins: 4, output: 'ordinal' },
      /column 'x': output is "ordinal", expected one of 'oneHot', 'index'/,
    ],
  ])('%j', (spec, message) => {
    expect(() => featurePipeline({ columns: { x: spec as ColumnSpec } })).toThrow(message);
  });
});
