import type { Value } from '../table.js';
import { learnVocabulary } from './categorical.js';
import type { Fields } from './fields.js';
import { transformMessages as m, TransformError } from './messages.js';
import { type ColumnTransform, type ColumnTransformJson, readName, type TransformFamily } from './types.js';
import { isMissing, readColumn } from './values.js';

/** The steps of standardisation, applied in this order. All but `stripTags` are on by default. */
export interface StandardizeOptions {
  /** Replaces HTML tags such as `<br />` with a space (off by default). */
  stripTags?: boolean;
  /** Decodes entities: named (&amp; &lt; &gt; &quot; &apos; &nbsp; and common typographic ones), &#39; and &#x27;. */
  decodeHtml?: boolean;
  lowercase?: boolean;
  /**
   * Removes punctuation (Unicode's P classes, and $ + < = > ^ ` | ~) without leaving a space,
   * as Keras's 'lower_and_strip_punctuation' does: "don't" becomes "dont".
   */
  stripPunctuation?: boolean;
  /** Turns runs of whitespace into one space and trims the ends. */
  collapseWhitespace?: boolean;
}

export interface TokenizeOptions {
  /** 'whitespace' splits words; 'character' splits code points, spaces included. */
  split?: 'whitespace' | 'character';
  /** n makes all n-grams of 1…n tokens; a list makes those sizes. N-grams of words are joined with a space. */
  ngrams?: number | number[];
}

/**
 * Text as tokens, modelled on Keras's TextVectorization. The vocabulary is learned on training
 * text: tokens seen at least `minFrequency` times, most frequent first, ties in code-unit order,
 * as many as `maxTokens` allows. Like Keras, `maxTokens` counts the reserved indices too.
 *
 * - `int`: token ids, padded at the end with 0 (the padding token) and truncated at the end to
 *   `sequenceLength`, as a separate int32 input; 1 is the OOV token, learned tokens are 2….
 *   The Embedding layer's inputDim is the transform's `inputDim` (= vocabulary size).
 * - `multiHot`, `count`, `tfidf`: one dense feature per vocabulary entry, index 0 being OOV
 *   (every unseen token counts there). `tfidf` is count × idf, with Keras's
 *   idf(t) = ln(1 + N / (1 + df(t))) over the N training documents, df(t) the documents holding
 *   t; OOV gets the mean idf of the learned tokens (its real df is not known). No row
 *   normalisation is applied, as in Keras.
 *
 * Missing text has no tokens. Numbers and booleans are read as their text.
 */
export interface TextSpec extends StandardizeOptions, TokenizeOptions {
  kind: 'text';
  name?: string;
  output?: 'int' | 'multiHot' | 'count' | 'tfidf';
  maxTokens?: number;
  minFrequency?: number;
  /** Required for `int`. */
  sequenceLength?: number;
  /** How index 1 (int) or 0 (the others) reads in the vocabulary and feature names (default '[UNK]', as Keras). */
  oovToken?: string;
  /** How index 0 of `int` reads in the vocabulary (default '', as Keras). */
  paddingToken?: string;
  /**
   * 'l2' scales each row's features to unit length, as scikit-learn's TfidfVectorizer does by
   * default (norm='l2'), so that a long message does not weigh more than a short one. Keras has
   * no such option; not for `int`.
   */
  normalize?: 'l2';
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  euro: '€',
  pound: '£',
  cent: '¢',
  yen: '¥',
  deg: '°',
  middot: '·',
  bull: '•',
  times: '×',
  divide: '÷',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  ccedil: 'ç',
  ntilde: 'ñ',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  szlig: 'ß',
};

const ENTITY = /&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g;

/** Decodes HTML entities once ('&amp;lt;' becomes '&lt;'); unknown or invalid ones stay as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(ENTITY, (entity, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES[body] ?? entity;
    const code =
      body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    const valid = code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && code !== 0;
    return valid ? String.fromCodePoint(code) : entity;
  });
}

const TAG = /<[^>]*>/g;
const PUNCTUATION = /[\p{P}$+<=>^`|~]/gu;

export function standardize(text: string, options: StandardizeOptions = {}): string {
  if (options.stripTags) text = text.replace(TAG, ' ');
  if (options.decodeHtml ?? true) text = decodeHtmlEntities(text);
  if (options.lowercase ?? true) text = text.toLowerCase();
  if (options.stripPunctuation ?? true) text = text.replace(PUNCTUATION, '');
  if (options.collapseWhitespace ?? true) text = text.replace(/\s+/g, ' ').trim();
  return text;
}

const ngramSizes = (ngrams: number | readonly number[] = 1): number[] =>
  typeof ngrams === 'number' ? Array.from({ length: ngrams }, (_, i) => i + 1) : [...ngrams];

/** Tokens of standardised text: all unigrams in order, then all bigrams, and so on (Keras's order). */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const character = options.split === 'character';
  const units = character ? [...text] : text.split(/\s+/).filter((w) => w !== '');
  const joiner = character ? '' : ' ';
  const tokens: string[] = [];
  for (const n of ngramSizes(options.ngrams)) {
    for (let i = 0; i + n <= units.length; i++)
      tokens.push(n === 1 ? units[i] : units.slice(i, i + n).join(joiner));
  }
  return tokens;
}

type Output = NonNullable<TextSpec['output']>;

class TextTransform implements ColumnTransform {
  readonly kind = 'text';
  readonly name: string;
  readonly target: 'dense' | 'input';
  readonly width: number;
  readonly featureNames: readonly string[];
  readonly inputDim?: number;
  /** Index of the first learned token: 2 after padding and OOV for `int`, 1 after OOV otherwise. */
  readonly #start: number;
  readonly #index: ReadonlyMap<string, number>;
  /** Per vocabulary entry, OOV included, for `tfidf`. */
  readonly #weights: Float64Array | null;

  constructor(
    readonly spec: TextSpec,
    readonly column: string,
    /** The learned tokens, without the reserved ones. */
    readonly tokens: readonly string[],
    /** idf of each learned token, for `tfidf`. */
    readonly idf: readonly number[] | null,
  ) {
    this.name = spec.name ?? column;
    const int = spec.output === 'int';
    this.#start = int ? 2 : 1;
    this.#index = new Map(tokens.map((t, i) => [t, i + this.#start]));
    this.target = int ? 'input' : 'dense';
    if (int) {
      this.featureNames = Array.from({ length: spec.sequenceLength! }, (_, i) => `${this.name}[${i}]`);
      this.inputDim = this.vocabulary.length;
    } else {
      this.featureNames = this.vocabulary.map((t) => `${this.name}=${t}`);
    }
    this.width = this.featureNames.length;
    this.#weights = idf ? Float64Array.from([mean(idf), ...idf]) : null;
  }

  /** Every id's token, as Keras's get_vocabulary(): padding and OOV first for `int`, OOV first otherwise. */
  get vocabulary(): string[] {
    const reserved =
      this.spec.output === 'int' ? [this.spec.paddingToken!, this.spec.oovToken!] : [this.spec.oovToken!];
    return [...reserved, ...this.tokens];
  }

  /** The tokens of one value, after standardisation. */
  tokenize(value: Value | undefined): string[] {
    return tokenize(standardize(textOf(value, this.column), this.spec), this.spec);
  }

  write(value: Value | undefined, out: Float32Array | Int32Array, offset: number): void {
    const tokens = this.tokenize(value);
    const oov = this.#start - 1;
    out.fill(0, offset, offset + this.width);
    if (this.spec.output === 'int') {
      const n = Math.min(tokens.length, this.width);
      for (let i = 0; i < n; i++) out[offset + i] = this.#index.get(tokens[i]) ?? oov;
      return;
    }
    for (const token of tokens) {
      const i = offset + (this.#index.get(token) ?? oov);
      out[i] = this.spec.output === 'multiHot' ? 1 : out[i] + 1;
    }
    const weights = this.#weights;
    if (weights) for (let i = 0; i < this.width; i++) out[offset + i] *= weights[i];
    if (this.spec.normalize === 'l2') {
      let sum = 0;
      for (let i = offset; i < offset + this.width; i++) sum += out[i] * out[i];
      const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
      for (let i = offset; i < offset + this.width; i++) out[i] *= scale;
    }
  }

  toJSON(): ColumnTransformJson {
    const state: Record<string, unknown> = { vocabulary: [...this.tokens] };
    if (this.idf) state.idf = [...this.idf];
    return { column: this.column, spec: { ...this.spec }, state };
  }
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

function textOf(value: Value | undefined, column: string): string {
  if (isMissing(value)) return '';
  if (value instanceof Date) throw new TransformError(m.wrongType(column, 'text', value, 'text'), column);
  return String(value);
}

export const textFamily: TransformFamily<TextSpec> = {
  kinds: ['text'],

  readSpec(f: Fields): TextSpec {
    const name = readName(f);
    const output: Output = f.oneOf('output', ['int', 'multiHot', 'count', 'tfidf'] as const, 'int');
    const spec: TextSpec = {
      kind: 'text',
      ...(name === undefined ? {} : { name }),
      output,
      stripTags: f.boolean('stripTags', false),
      decodeHtml: f.boolean('decodeHtml', true),
      lowercase: f.boolean('lowercase', true),
      stripPunctuation: f.boolean('stripPunctuation', true),
      collapseWhitespace: f.boolean('collapseWhitespace', true),
      split: f.oneOf('split', ['whitespace', 'character'] as const, 'whitespace'),
      minFrequency: f.number('minFrequency', { integer: true, min: 1 }, 1),
      oovToken: f.string('oovToken') ?? '[UNK]',
      paddingToken: f.string('paddingToken') ?? '',
    };
    const ngrams = f.raw('ngrams');
    if (typeof ngrams === 'number') {
      spec.ngrams = f.number('ngrams', { integer: true, min: 1 });
    } else if (ngrams !== undefined) {
      const sizes = f.numbers('ngrams', { integer: true, min: 1 })!;
      if (sizes.length === 0 || new Set(sizes).size !== sizes.length) {
        f.fail('ngrams', sizes, 'a positive integer or a non-empty list of distinct ones');
      }
      spec.ngrams = sizes;
    } else {
      spec.ngrams = 1;
    }
    const reserved = output === 'int' ? 2 : 1;
    const maxTokens = f.number('maxTokens', { integer: true, min: reserved + 1 });
    if (maxTokens !== undefined) spec.maxTokens = maxTokens;
    const sequenceLength = f.number('sequenceLength', { integer: true, min: 1 });
    if (output === 'int') {
      if (sequenceLength === undefined)
        f.fail('sequenceLength', undefined, "a positive integer with output 'int'");
      spec.sequenceLength = sequenceLength;
    } else if (sequenceLength !== undefined) {
      f.fail('sequenceLength', sequenceLength, "to be given only with output 'int'");
    }
    if (spec.oovToken === spec.paddingToken) f.fail('oovToken', spec.oovToken, 'to differ from paddingToken');
    const normalize = f.oneOf('normalize', ['none', 'l2'] as const, 'none');
    if (normalize === 'l2' && output === 'int')
      f.fail('normalize', normalize, "to be given only with output 'multiHot', 'count' or 'tfidf'");
    if (normalize === 'l2') spec.normalize = normalize;
    return spec;
  },

  fit(spec: TextSpec, column: string, values: readonly Value[]): ColumnTransform {
    const documents = readColumn(values, (v) => tokenize(standardize(textOf(v, column), spec), spec));
    const counts = new Map<string, number>();
    const documentCounts = new Map<string, number>();
    for (const tokens of documents) {
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const token of new Set(tokens)) documentCounts.set(token, (documentCounts.get(token) ?? 0) + 1);
    }
    // A token spelled like a reserved one would have two ids; it goes to OOV instead.
    counts.delete(spec.oovToken!);
    counts.delete(spec.paddingToken!);
    const reserved = spec.output === 'int' ? 2 : 1;
    const maxSize = spec.maxTokens === undefined ? undefined : spec.maxTokens - reserved;
    const tokens = learnVocabulary(counts, spec.minFrequency, maxSize);
    const n = documents.length;
    const idf =
      spec.output === 'tfidf' ? tokens.map((t) => Math.log(1 + n / (1 + documentCounts.get(t)!))) : null;
    return new TextTransform(spec, column, tokens, idf);
  },

  restore(spec: TextSpec, column: string, f: Fields): ColumnTransform {
    const tokens = f.requiredStrings('vocabulary');
    let idf: number[] | null = null;
    if (spec.output === 'tfidf') {
      idf = f.requiredNumbers('idf', { min: 0 });
      if (idf.length !== tokens.length)
        f.fail('idf', idf, `${tokens.length} numbers, one per vocabulary token`);
    }
    f.finish();
    return new TextTransform(spec, column, tokens, idf);
  },
};
