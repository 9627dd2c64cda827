import type { Value } from '../table.js';
import type { Fields } from './fields.js';
import { type ColumnTransform, type ColumnTransformJson, readName, type TransformFamily } from './types.js';
import { categoryKey, compareText } from './values.js';

/**
 * Categories learned from the training column, most frequent first (ties in code-unit order,
 * so the same data always gives the same layout). Index 0 is the unknown bucket: categories not
 * learned (unseen, rarer than `minFrequency`, beyond `maxCategories`) and missing values go
 * there, so applying never fails on a new category. To keep "missing" apart from "unknown",
 * fill it with a marker such as 'none' in the cleaning step.
 *
 * - `oneHot`: one feature per category after `<name>=<unknown>`; width = categories + 1.
 * - `ordinal`: the index as one float feature (0 unknown, 1…n the categories).
 * - `index`: the same index as a separate int32 input for an Embedding layer, whose inputDim
 *   is the transform's `inputDim` (categories + 1; 0 doubles as padding).
 *
 * Numbers and booleans are matched by their text, so 1 and '1' are one category.
 */
export interface CategorySpec {
  kind: 'oneHot' | 'ordinal' | 'index';
  name?: string;
  /** Keep at most this many learned categories (the unknown bucket not counted). */
  maxCategories?: number;
  /** Keep categories seen at least this many times in training (default 1). */
  minFrequency?: number;
  /** A fixed vocabulary in this order (an ordinal scale such as ['low', 'medium', 'high']); nothing is learned. */
  categories?: string[];
}

/**
 * Categories hashed into `numBins` bins with FNV-1a (32-bit, over the UTF-8 bytes of the
 * category's text; a missing value hashes as ''): bin = fnv1a32(text) mod numBins. Nothing is
 * learned and the bins never change between runs or machines; different categories may share a
 * bin. Output is one-hot over the bins (default) or the bin as an int32 `index` input (inputDim = numBins).
 */
export interface HashSpec {
  kind: 'hash';
  name?: string;
  numBins: number;
  output?: 'oneHot' | 'index';
}

const UNKNOWN = '<unknown>';
const utf8 = new TextEncoder();

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

class CategoryTransform implements ColumnTransform {
  readonly kind: CategorySpec['kind'];
  readonly name: string;
  readonly target: 'dense' | 'input';
  readonly width: number;
  readonly featureNames: readonly string[];
  readonly inputDim?: number;
  readonly #index: ReadonlyMap<string, number>;

  constructor(
    readonly spec: CategorySpec,
    readonly column: string,
    /** The learned categories; category i has index i + 1. */
    readonly vocabulary: readonly string[],
  ) {
    this.kind = spec.kind;
    this.name = spec.name ?? column;
    this.#index = new Map(vocabulary.map((c, i) => [c, i + 1]));
    this.target = spec.kind === 'index' ? 'input' : 'dense';
    if (spec.kind === 'oneHot') {
      this.featureNames = [UNKNOWN, ...vocabulary].map((c) => `${this.name}=${c}`);
    } else {
      this.featureNames = [this.name];
    }
    this.width = this.featureNames.length;
    if (spec.kind === 'index') this.inputDim = vocabulary.length + 1;
  }

  /** The index of a value: 1…n for learned categories, 0 for anything else. */
  indexOf(value: Value | undefined): number {
    const key = categoryKey(value);
    return key === null ? 0 : (this.#index.get(key) ?? 0);
  }

  write(value: Value | undefined, out: Float32Array | Int32Array, offset: number): void {
    const index = this.indexOf(value);
    if (this.kind !== 'oneHot') {
      out[offset] = index;
      return;
    }
    for (let i = 0; i < this.width; i++) out[offset + i] = i === index ? 1 : 0;
  }

  toJSON(): ColumnTransformJson {
    return { column: this.column, spec: { ...this.spec }, state: { vocabulary: [...this.vocabulary] } };
  }
}

class HashTransform implements ColumnTransform {
  readonly kind = 'hash';
  readonly name: string;
  readonly target: 'dense' | 'input';
  readonly width: number;
  readonly featureNames: readonly string[];
  readonly inputDim?: number;

  constructor(
    readonly spec: HashSpec,
    readonly column: string,
  ) {
    this.name = spec.name ?? column;
    const oneHot = spec.output !== 'index';
    this.target = oneHot ? 'dense' : 'input';
    this.featureNames = oneHot
      ? Array.from({ length: spec.numBins }, (_, i) => `${this.name}_hash${i}`)
      : [this.name];
    this.width = this.featureNames.length;
    if (!oneHot) this.inputDim = spec.numBins;
  }

  binOf(value: Value | undefined): number {
    return fnv1a32(categoryKey(value) ?? '') % this.spec.numBins;
  }

  write(value: Value | undefined, out: Float32Array | Int32Array, offset: number): void {
    const bin = this.binOf(value);
    if (this.target === 'input') {
      out[offset] = bin;
      return;
    }
    for (let i = 0; i < this.width; i++) out[offset + i] = i === bin ? 1 : 0;
  }

  toJSON(): ColumnTransformJson {
    return { column: this.column, spec: { ...this.spec }, state: {} };
  }
}

/** Categories by descending count, ties in code-unit order; then minFrequency and maxCategories. */
export function learnVocabulary(
  counts: ReadonlyMap<string, number>,
  minFrequency = 1,
  maxSize = Number.POSITIVE_INFINITY,
): string[] {
  return [...counts]
    .filter(([, count]) => count >= minFrequency)
    .sort(([a, ca], [b, cb]) => cb - ca || compareText(a, b))
    .slice(0, maxSize)
    .map(([token]) => token);
}

export type CategoricalSpec = CategorySpec | HashSpec;

export const categoryFamily: TransformFamily<CategoricalSpec> = {
  kinds: ['oneHot', 'ordinal', 'index', 'hash'],

  readSpec(f: Fields, kind: CategoricalSpec['kind']): CategoricalSpec {
    const name = readName(f);
    const named = name === undefined ? {} : { name };
    if (kind === 'hash') {
      return {
        kind,
        ...named,
        numBins: f.requiredNumber('numBins', { integer: true, min: 1 }),
        output: f.oneOf('output', ['oneHot', 'index'] as const, 'oneHot'),
      };
    }
    const spec: CategorySpec = { kind, ...named };
    const categories = f.strings('categories');
    if (categories !== undefined) {
      if (f.has('maxCategories') || f.has('minFrequency')) {
        f.fail('categories', categories, 'to come without maxCategories and minFrequency');
      }
      if (new Set(categories).size !== categories.length || categories.some((c) => c.trim() === '')) {
        f.fail('categories', categories, 'distinct, non-empty strings');
      }
      spec.categories = categories;
      return spec;
    }
    const maxCategories = f.number('maxCategories', { integer: true, min: 1 });
    if (maxCategories !== undefined) spec.maxCategories = maxCategories;
    spec.minFrequency = f.number('minFrequency', { integer: true, min: 1 }, 1);
    return spec;
  },

  fit(spec: CategoricalSpec, column: string, values: readonly Value[]): ColumnTransform {
    if (spec.kind === 'hash') return new HashTransform(spec, column);
    if (spec.categories !== undefined) return new CategoryTransform(spec, column, spec.categories);
    const counts = new Map<string, number>();
    for (const value of values) {
      const key = categoryKey(value);
      if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return new CategoryTransform(
      spec,
      column,
      learnVocabulary(counts, spec.minFrequency, spec.maxCategories),
    );
  },

  restore(spec: CategoricalSpec, column: string, f: Fields): ColumnTransform {
    if (spec.kind === 'hash') {
      f.finish();
      return new HashTransform(spec, column);
    }
    const vocabulary = f.requiredStrings('vocabulary');
    f.finish();
    return new CategoryTransform(spec, column, vocabulary);
  },
};
