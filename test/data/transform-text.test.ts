import { describe, expect, test } from 'vitest';
import { Table, type Value } from '../../src/data/table.js';
import {
  decodeHtmlEntities,
  type FittedFeatures,
  featurePipeline,
  standardize,
  type TextSpec,
  tokenize,
} from '../../src/data/transform/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const TRAIN = ['The cat sat.', 'the DOG sat', 'the cat ran!'];

const fitOn = (spec: TextSpec, train: Value[] = TRAIN): FittedFeatures =>
  featurePipeline({ columns: { review: spec } }).fit(new Table({ review: train }));

const dense = (fitted: FittedFeatures, values: Value[]): number[][] =>
  (fitted.transform(new Table({ review: values })).x as Tensor).toArray() as number[][];

const ids = (fitted: FittedFeatures, values: Value[]): Tensor =>
  (fitted.transform(new Table({ review: values })).x as Record<string, Tensor>).review;

function expectClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    expect(g).toBeCloseTo(want[i], 5);
  });
}

describe('standardize', () => {
  test('decodes entities, lowercases, strips punctuation and collapses whitespace', () => {
    expect(standardize('Tom &amp; Jerry&#39;s  &lt;BIG&gt;\t day&#x27;s!')).toBe('tom jerrys big days');
  });

  test('decodes entities once, keeps unknown ones, and decodes code points beyond the BMP', () => {
    expect(decodeHtmlEntities('&amp;lt; &bogus; &#x1F600; &#39;&#x27;&quot;&apos; &#0; &eacute;')).toBe(
      "&lt; &bogus; 😀 ''\"' &#0; é",
    );
  });

  test('stripTags removes markup before punctuation would glue it to words', () => {
    expect(standardize('Great<br /><br />movie')).toBe('greatbr br movie');
    expect(standardize('Great<br /><br />movie', { stripTags: true })).toBe('great movie');
  });

  test('every step can be switched off', () => {
    const off = { decodeHtml: false, lowercase: false, stripPunctuation: false, collapseWhitespace: false };
    expect(standardize(' Hi,  &amp; ', off)).toBe(' Hi,  &amp; ');
  });
});

describe('tokenize', () => {
  test('word n-grams: all unigrams, then all bigrams', () => {
    expect(tokenize('a b c', { ngrams: 2 })).toEqual(['a', 'b', 'c', 'a b', 'b c']);
    expect(tokenize('a b c', { ngrams: [2, 3] })).toEqual(['a b', 'b c', 'a b c']);
  });

  test('character n-grams', () => {
    expect(tokenize('abc', { split: 'character', ngrams: 2 })).toEqual(['a', 'b', 'c', 'ab', 'bc']);
    expect(tokenize('a b', { split: 'character' })).toEqual(['a', ' ', 'b']);
  });
});

describe('vocabulary', () => {
  test('by frequency, ties in code-unit order, whatever the order of the documents', () => {
    // Counts: the 3, cat 2, sat 2, dog 1, ran 1.
    const fitted = fitOn({ kind: 'text', output: 'multiHot' });
    expect(fitted.featureNames).toEqual([
      'review=[UNK]',
      'review=the',
      'review=cat',
      'review=sat',
      'review=dog',
      'review=ran',
    ]);
    const reversed = fitOn({ kind: 'text', output: 'multiHot' }, [...TRAIN].reverse());
    expect(reversed.featureNames).toEqual(fitted.featureNames);
  });

  test('maxTokens counts the reserved indices, as in Keras; minFrequency drops rare tokens', () => {
    expect(fitOn({ kind: 'text', output: 'count', maxTokens: 3 }).featureNames).toEqual([
      'review=[UNK]',
      'review=the',
      'review=cat',
    ]);
    const int = fitOn({ kind: 'text', output: 'int', sequenceLength: 2, maxTokens: 4 });
    expect(int.inputDims).toEqual({ review: 4 });
    expect(fitOn({ kind: 'text', output: 'count', minFrequency: 2 }).featureNames).toEqual([
      'review=[UNK]',
      'review=the',
      'review=cat',
      'review=sat',
    ]);
  });

  test('character n-grams make the vocabulary', () => {
    const fitted = fitOn({ kind: 'text', output: 'count', split: 'character', ngrams: [2] }, ['abab']);
    expect(fitted.featureNames).toEqual(['review=[UNK]', 'review=ab', 'review=ba']);
    expect(dense(fitted, ['abx'])).toEqual([[1, 1, 0]]);
  });
});

describe('outputs', () => {
  test('int: ids padded with 0 and truncated at the end; OOV is 1', () => {
    const fitted = fitOn({ kind: 'text', output: 'int', sequenceLength: 4 });
    expect(fitted.inputDims).toEqual({ review: 7 });
    const t = ids(fitted, ['the cat sat on the mat', 'Dog', '', null]);
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [2, 3, 4, 1],
      [5, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(fitted.outputShapes).toEqual({ x: { review: [4] } });
  });

  test('multiHot and count put unseen words in the OOV slot', () => {
    expect(dense(fitOn({ kind: 'text', output: 'multiHot' }), ['cat cat bird'])).toEqual([
      [1, 0, 1, 0, 0, 0],
    ]);
    expect(dense(fitOn({ kind: 'text', output: 'count' }), ['cat cat bird the'])).toEqual([
      [1, 1, 2, 0, 0, 0],
    ]);
  });

  test("tfidf is count × Keras's idf, ln(1 + N / (1 + df)), with OOV at the mean idf", () => {
    const fitted = fitOn({ kind: 'text', output: 'tfidf' });
    const idf = [Math.log(1 + 3 / 4), Math.log(2), Math.log(2), Math.log(2.5), Math.log(2.5)];
    const oov = idf.reduce((a, b) => a + b) / idf.length;
    expectClose(dense(fitted, ['the cat cat bird'])[0], [oov, idf[0], 2 * idf[1], 0, 0, 0]);
    expect(fitted.toJSON().columns[0].state.idf).toEqual(idf);
  });

  test('word bigrams join the unigrams', () => {
    const fitted = fitOn({ kind: 'text', output: 'count', ngrams: 2, minFrequency: 2 });
    // Unigrams the 3, cat 2, sat 2; bigram "the cat" 2.
    expect(fitted.featureNames).toEqual([
      'review=[UNK]',
      'review=the',
      'review=cat',
      'review=sat',
      'review=the cat',
    ]);
  });

  test('numbers are read as text; a Date is an error naming the column', () => {
    const fitted = fitOn({ kind: 'text', output: 'count' }, ['7 up', '7']);
    expect(dense(fitted, [7])).toEqual([[0, 1, 0]]);
    expect(() => fitted.transformRecord({ review: new Date(0) })).toThrow(
      /column 'review' \(text\): value 1970/,
    );
  });
});

describe('spec errors name the column and the key', () => {
  test.each([
    [
      { kind: 'text' },
      /column 'review': sequenceLength is undefined, expected a positive integer with output 'int'/,
    ],
    [
      { kind: 'text', output: 'tfidf', sequenceLength: 5 },
      /column 'review': sequenceLength is 5, expected to be given only/,
    ],
    [
      { kind: 'text', output: 'int', sequenceLength: 4, maxTokens: 2 },
      /column 'review': maxTokens is 2, expected an integer ≥ 3/,
    ],
    [{ kind: 'text', output: 'bag' }, /column 'review': output is "bag"/],
    [{ kind: 'text', output: 'count', ngrams: 0 }, /column 'review': ngrams is 0/],
    [
      { kind: 'text', output: 'count', oovToken: '' },
      /column 'review': oovToken is "", expected to differ from paddingToken/,
    ],
  ])('%j', (spec, message) => {
    expect(() => featurePipeline({ columns: { review: spec as TextSpec } })).toThrow(message);
  });
});
