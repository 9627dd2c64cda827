import { ValueError } from '../tensor/errors.js';
import { randomUniform } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Table, Value } from './table.js';

/** Class labels to stratify by: a column of the table, or one label per row/sample. */
export type Stratify = string | readonly Value[] | ArrayLike<number> | Tensor;

export interface TrainTestSplitOptions {
  /** The test share: a fraction in (0, 1), or a count of rows when ≥ 1. 0.2 by default. */
  testSize?: number;
  /** A validation share of the whole, taken as testSize is; none by default. */
  validationSize?: number;
  /** Seeds the shuffle; without one the global stream (setSeed) is used. */
  seed?: number;
  /** Keep each class's share the same in every part. */
  stratify?: Stratify;
  /** false keeps row order: train first, then validation, then test at the end. true by default. */
  shuffle?: boolean;
}

export interface IndexSplit {
  train: number[];
  test: number[];
  /** Present when validationSize is given. */
  validation?: number[];
}

export interface TableSplit {
  train: Table;
  test: Table;
  validation?: Table;
}

/** A span of calendar time, counted back from a date in UTC. */
export interface Duration {
  months?: number;
  days?: number;
}

export type TimeSplitOptions =
  | {
      /** The date column: Date values, ISO strings, or milliseconds since 1970. */
      column: string;
      /** Rows at or after this moment are the test set. */
      testFrom: Date | string;
    }
  | {
      column: string;
      /** The test set is this span before the latest date: (latest − span, latest]. */
      testLast: Duration;
      /** Measure the span per group (such as 'customer'), each from its own latest date. */
      by?: string;
    };

export interface KFoldOptions {
  seed?: number;
  stratify?: readonly Value[] | ArrayLike<number> | Tensor;
  /** false deals folds in order; true by default. */
  shuffle?: boolean;
}

export const splitMessages = {
  badSize: (where: string, name: string, value: unknown) =>
    `${where}: ${name} is ${JSON.stringify(value)}, expected a fraction in (0, 1) or a whole count ≥ 1`,
  tooLarge: (where: string, test: number, validation: number, n: number) =>
    `${where}: ${test} test and ${validation} validation rows leave no training rows out of ${n}`,
  stratifyLength: (where: string, labels: number, n: number) =>
    `${where}: stratify has ${labels} labels for ${n} rows`,
  stratifyNeedsShuffle: (where: string) =>
    `${where}: stratify needs shuffle: true (an ordered split cannot balance classes)`,
  stratifyColumnNeedsTable: (where: string, column: string) =>
    `${where}: stratify names the column '${column}', but the data is a count; pass a table or a labels array`,
  badK: (k: unknown, n: number) => `kFold: k is ${JSON.stringify(k)}, expected a whole number in 2..${n}`,
  badDate: (column: string, source: string, line: number, value: unknown) =>
    `timeSplit: ${source}:${line}: '${column}' is ${JSON.stringify(value)}, not a date`,
  badCutoff: (value: unknown) => `timeSplit: testFrom is ${JSON.stringify(value)}, not a date`,
  badDuration: (value: unknown) =>
    `timeSplit: testLast is ${JSON.stringify(value)}, expected {months, days} of non-negative whole numbers, not both 0`,
};

/**
 * sklearn's train_test_split: shuffled (seeded) index sets, or the tables they select. With
 * `stratify`, each class is split on its own, so every part keeps the class shares to within
 * one row per class. Parts come out in shuffled order, as sklearn returns them.
 */
export function trainTestSplit(data: number, options?: TrainTestSplitOptions): IndexSplit;
export function trainTestSplit(data: Table, options?: TrainTestSplitOptions): TableSplit;
export function trainTestSplit(
  data: number | Table,
  options: TrainTestSplitOptions = {},
): IndexSplit | TableSplit {
  const where = 'trainTestSplit';
  const { testSize = 0.2, validationSize, shuffle = true } = options;
  const n = typeof data === 'number' ? checkCount(where, data) : data.numRows;
  const testCount = countOf(where, 'testSize', testSize, n);
  const validationCount =
    validationSize === undefined ? 0 : countOf(where, 'validationSize', validationSize, n);
  if (testCount + validationCount >= n)
    throw new ValueError(splitMessages.tooLarge(where, testCount, validationCount, n));

  let split: IndexSplit;
  if (options.stratify !== undefined) {
    if (!shuffle) throw new ValueError(splitMessages.stratifyNeedsShuffle(where));
    const groups = groupIndices(labelsOf(where, options.stratify, data, n));
    split = stratifiedSplit(groups, n, testCount, validationCount, uniformStream(options.seed));
  } else {
    const order = shuffle ? permutation(n, uniformStream(options.seed)) : range(n);
    const trainEnd = n - testCount - validationCount;
    split = {
      train: order.slice(0, trainEnd),
      test: order.slice(n - testCount),
      validation: order.slice(trainEnd, n - testCount),
    };
  }
  if (validationSize === undefined) split = { train: split.train, test: split.test };
  if (typeof data === 'number') return split;
  const tables: TableSplit = { train: data.take(split.train), test: data.take(split.test) };
  if (split.validation) tables.validation = data.take(split.validation);
  return tables;
}

/**
 * Each class gets its share of the test (then validation) rows: the floor of its exact share,
 * with the rows left over going to the classes with the largest remainders. No class is off by
 * a whole row, and the part sizes match the unstratified split.
 */
function stratifiedSplit(
  groups: number[][],
  n: number,
  testCount: number,
  validationCount: number,
  draw: () => number,
): IndexSplit {
  const sizes = groups.map((g) => g.length);
  const test = apportion(sizes, testCount, n);
  const rest = sizes.map((s, i) => s - test[i]);
  const validation = apportion(sizes, validationCount, n, rest);
  const split: Required<IndexSplit> = { train: [], test: [], validation: [] };
  for (const [g, members] of groups.entries()) {
    const order = shuffled(members, draw);
    split.test.push(...order.slice(0, test[g]));
    split.validation.push(...order.slice(test[g], test[g] + validation[g]));
    split.train.push(...order.slice(test[g] + validation[g]));
  }
  return {
    train: shuffled(split.train, draw),
    test: shuffled(split.test, draw),
    validation: shuffled(split.validation, draw),
  };
}

/** Largest-remainder apportionment of `total` among groups in proportion to `sizes` (of n). */
function apportion(
  sizes: readonly number[],
  total: number,
  n: number,
  caps: readonly number[] = sizes,
): number[] {
  const exact = sizes.map((s) => (s * total) / n);
  const counts = exact.map((e, i) => Math.min(Math.floor(e), caps[i]));
  let left = total - counts.reduce((a, b) => a + b, 0);
  // Ties go to the earlier group, so the result depends only on the sizes.
  const byRemainder = exact
    .map((_, i) => i)
    .sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  while (left > 0) {
    let gave = false;
    for (const i of byRemainder) {
      if (left === 0) break;
      if (counts[i] < caps[i]) {
        counts[i]++;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return counts;
}

/**
 * A split by time rather than at random, so the model is tested on the future it will face.
 * With `testFrom`, rows at or after that moment are the test set. With `testLast`, the test
 * set is the span before the latest date, or with `by`, before each group's own latest date:
 * "the last month of each customer's purchases" is `{column: 'InvoiceDate', testLast: {months: 1},
 * by: 'CustomerID'}`. Rows keep their order.
 */
export function timeSplit(table: Table, options: TimeSplitOptions): TableSplit {
  const { train, test } = timeSplitIndices(table, options);
  return { train: table.take(train), test: table.take(test) };
}

/** timeSplit's row indices. */
export function timeSplitIndices(table: Table, options: TimeSplitOptions): IndexSplit {
  const { column } = options;
  const times = table.column(column).map((value, i) => {
    const t = timeOf(value);
    if (t === null) {
      const { source, line } = table.origins[i];
      throw new ValueError(splitMessages.badDate(column, source, line, value));
    }
    return t;
  });
  let isTest: (i: number) => boolean;
  if ('testFrom' in options) {
    const cutoff = timeOf(options.testFrom);
    if (cutoff === null) throw new ValueError(splitMessages.badCutoff(options.testFrom));
    isTest = (i) => times[i] >= cutoff;
  } else {
    const span = checkDuration(options.testLast);
    const keys = options.by === undefined ? null : table.column(options.by).map(keyOf);
    const latest = new Map<string, number>();
    times.forEach((t, i) => {
      const key = keys?.[i] ?? '';
      latest.set(key, Math.max(latest.get(key) ?? -Infinity, t));
    });
    const cutoffs = new Map([...latest].map(([key, t]) => [key, subtract(t, span)]));
    isTest = (i) => times[i] > cutoffs.get(keys?.[i] ?? '')!;
  }
  const split: IndexSplit = { train: [], test: [] };
  for (let i = 0; i < times.length; i++) (isTest(i) ? split.test : split.train).push(i);
  return split;
}

function timeOf(value: Value): number | null {
  const t =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Date.parse(value)
          : Number.NaN;
  return Number.isFinite(t) ? t : null;
}

function checkDuration(span: Duration): Required<Duration> {
  const { months = 0, days = 0 } = span;
  const whole = (v: number) => Number.isInteger(v) && v >= 0;
  if (!whole(months) || !whole(days) || months + days === 0) {
    throw new ValueError(splitMessages.badDuration(span));
  }
  return { months, days };
}

/**
 * `t` moved back by whole calendar months, then days, in UTC. A day past the end of the target
 * month becomes its last day (31 March − 1 month is 28 or 29 February, not 3 March).
 */
function subtract(t: number, { months, days }: Required<Duration>): number {
  const d = new Date(t);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d.getTime() - days * 86_400_000;
}

/**
 * k folds of (train, test) indices, every index in exactly one test fold; fold sizes differ by
 * at most one. With `stratify`, each class is dealt round the folds in turn, so each fold holds
 * every class's share to within one sample.
 */
export function* kFold(
  n: number,
  k: number,
  options: KFoldOptions = {},
): Generator<Required<Omit<IndexSplit, 'validation'>>> {
  checkCount('kFold', n);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new ValueError(splitMessages.badK(k, n));
  const { shuffle = true } = options;
  const draw = shuffle ? uniformStream(options.seed) : null;
  const folds: number[][] = Array.from({ length: k }, () => []);
  if (options.stratify !== undefined) {
    let next = 0;
    for (const members of groupIndices(labelsOf('kFold', options.stratify, n, n))) {
      // Carrying the fold on from one class to the next keeps the folds' sizes within one.
      for (const i of draw ? shuffled(members, draw) : members) {
        folds[next].push(i);
        next = (next + 1) % k;
      }
    }
  } else {
    const order = draw ? permutation(n, draw) : range(n);
    let begin = 0;
    for (let f = 0; f < k; f++) {
      // As sklearn: the first n mod k folds hold one more.
      const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
      folds[f] = order.slice(begin, begin + size);
      begin += size;
    }
  }
  for (let f = 0; f < k; f++) {
    const test = draw ? folds[f] : folds[f].sort((a, b) => a - b);
    const held = new Set(test);
    yield { train: range(n).filter((i) => !held.has(i)), test };
  }
}

function checkCount(where: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new ValueError(
      `${where}: the number of samples is ${JSON.stringify(n)}, expected a whole number ≥ 1`,
    );
  }
  return n;
}

function countOf(where: string, name: string, size: number, n: number): number {
  if (size > 0 && size < 1) return Math.ceil(size * n);
  if (Number.isInteger(size) && size >= 1) return size;
  if (size === 0) return 0;
  throw new ValueError(splitMessages.badSize(where, name, size));
}

function labelsOf(where: string, stratify: Stratify, data: number | Table, n: number): string[] {
  let labels: ArrayLike<unknown>;
  if (typeof stratify === 'string') {
    if (typeof data === 'number')
      throw new ValueError(splitMessages.stratifyColumnNeedsTable(where, stratify));
    labels = data.column(stratify);
  } else {
    labels = stratify instanceof Tensor ? stratify.values : stratify;
  }
  if (labels.length !== n) throw new ValueError(splitMessages.stratifyLength(where, labels.length, n));
  return Array.from(labels as ArrayLike<Value>, keyOf);
}

/** A Map key that tells 1 from '1' and compares dates by their time. */
function keyOf(value: Value): string {
  return value instanceof Date ? `date:${value.getTime()}` : `${typeof value}:${String(value)}`;
}

/** Indices per label, groups in order of first appearance. */
function groupIndices(labels: readonly string[]): number[][] {
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const group = groups.get(label);
    if (group === undefined) groups.set(label, [i]);
    else group.push(i);
  });
  return [...groups.values()];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** @internal A uniformly random order of 0…n−1. */
export function permutation(n: number, draw: () => number): number[] {
  return shuffled(range(n), draw);
}

/** A shuffled copy (Fisher–Yates). */
function shuffled<T>(items: readonly T[], draw: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const chunk = 1024;

/**
 * @internal An endless stream of uniform draws in [0, 1). A seed gives its own stream; without
 * one, a seed is taken from the global stream, so setSeed still makes the run reproducible.
 * The engine's generator is reached only through randomUniform, so the stream is drawn in
 * blocks, each from a seed hashed from the stream's seed and the block's number.
 */
export function uniformStream(seed?: number): () => number {
  const base = seed === undefined ? seedFromGlobal() : seed >>> 0;
  let block = 0;
  let values: ArrayLike<number> = [];
  let at = 0;
  return () => {
    if (at === values.length) {
      values = randomUniform([chunk], { seed: mix(base, block++) }).values;
      at = 0;
    }
    return values[at++];
  };
}

/** @internal A 32-bit seed drawn from the global stream. */
export function seedFromGlobal(): number {
  const [a, b] = randomUniform([2]).values;
  return ((a * 16777216) ^ ((b * 16777216) << 8)) >>> 0;
}

/** @internal murmur3's finalizer over (seed, n): unrelated 32-bit seeds for nearby inputs. */
export function mix(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
