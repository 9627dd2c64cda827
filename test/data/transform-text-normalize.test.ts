import { describe, expect, test } from 'vitest';
import { Table, type Value } from '../../src/data/table.js';
import { FittedFeatures, featurePipeline, type TextSpec } from '../../src/data/transform/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

// normalize: 'l2', scikit-learn's TfidfVectorizer default: each row of a column's features is
// scaled to unit length, so a long message weighs no more than a short one.

const TRAIN = ['The cat sat.', 'the DOG sat', 'the cat ran!'];

const fitOn = (spec: TextSpec): FittedFeatures =>
  featurePipeline({ columns: { review: spec } }).fit(new Table({ review: TRAIN }));

const dense = (fitted: FittedFeatures, values: Value[]): number[][] =>
  (fitted.transform(new Table({ review: values })).x as Tensor).toArray() as number[][];

const norm = (row: number[]): number => Math.hypot(...row);

describe("text normalize: 'l2'", () => {
  test('scales each tfidf row to unit length, keeping its direction', () => {
    const plain = dense(fitOn({ kind: 'text', output: 'tfidf' }), ['the cat cat bird', 'sat']);
    const unit = dense(fitOn({ kind: 'text', output: 'tfidf', normalize: 'l2' }), [
      'the cat cat bird',
      'sat',
    ]);
    for (const [i, row] of unit.entries()) {
      expect(norm(row)).toBeCloseTo(1, 5);
      row.forEach((v, j) => {
        expect(v).toBeCloseTo(plain[i][j] / norm(plain[i]), 5);
      });
    }
  });

  test('the same text repeated gives the same features (counts scale away)', () => {
    const fitted = fitOn({ kind: 'text', output: 'count', normalize: 'l2' });
    const [once, twice] = dense(fitted, ['the cat', 'the cat the cat']);
    once.forEach((v, j) => {
      expect(v).toBeCloseTo(twice[j], 6);
    });
  });

  test('empty text stays all zeros, not NaN', () => {
    expect(
      dense(fitOn({ kind: 'text', output: 'tfidf', normalize: 'l2' }), [''])[0].every((v) => v === 0),
    ).toBe(true);
  });

  test('survives saving and loading with the model', () => {
    const fitted = fitOn({ kind: 'text', output: 'tfidf', normalize: 'l2' });
    const restored = FittedFeatures.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(dense(restored, ['the dog ran'])).toEqual(dense(fitted, ['the dog ran']));
  });

  test('is refused with int output, and any value but l2 is named', () => {
    expect(() => fitOn({ kind: 'text', output: 'int', sequenceLength: 4, normalize: 'l2' })).toThrow(
      /column 'review': normalize is "l2", expected to be given only with output 'multiHot', 'count' or 'tfidf'/,
    );
    expect(() => fitOn({ kind: 'text', output: 'tfidf', normalize: 'l1' as 'l2' })).toThrow(
      /column 'review': normalize is "l1"/,
    );
  });
});
