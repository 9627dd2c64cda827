import { stack } from '../ops/concat.js';
import { tensor } from '../tensor/creation.js';
import { ShapeError, ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { mix, seedFromGlobal, uniformStream } from './split.js';
import type { Row, Table } from './table.js';

/** Tensors as Dataset.fromTensors slices them and batch stacks them: one, a list, or a record. */
export type TensorStructure =
  | Tensor
  | readonly Tensor[]
  | { readonly [key: string]: Tensor | readonly Tensor[] };

/**
 * The type of one batch of T: tensors gain a leading batch axis (a record of tensors such as
 * `{x, y}` stays a record), anything else (rows, numbers, strings) becomes an array.
 */
export type Batched<T> = T extends Tensor
  ? Tensor
  : T extends readonly Tensor[]
    ? Tensor[]
    : T extends { readonly [key: string]: Tensor | readonly Tensor[] }
      ? { [K in keyof T]: Batched<T[K]> }
      : T[];

export interface BatchOptions {
  /** Drop a last batch smaller than `size` (false by default). */
  dropRemainder?: boolean;
}

export interface ShuffleOptions {
  /** Seeds the order; without one the global stream (setSeed) is used. */
  seed?: number;
  /** A new order on each iteration (each epoch); true by default. */
  reshuffleEachIteration?: boolean;
}

export const datasetMessages = {
  notAFunction: (got: unknown) =>
    `Dataset.fromIterable: expected a function that returns a fresh iterable each time, got ${typeof got}; ` +
    'wrap it: Dataset.fromIterable(() => source), so that each epoch can restart it',
  notTensors: (path: string) =>
    `Dataset.fromTensors: ${path} is not a tensor; pass a tensor, an array of tensors, or a record of them such as {x, y}`,
  scalar: (path: string) =>
    `Dataset.fromTensors: ${path} is a scalar; its first axis is the one sliced into elements`,
  counts: (paths: readonly string[], counts: readonly number[]) =>
    `Dataset.fromTensors: every tensor needs the same number of elements along its first axis, got ${paths
      .map((p, i) => `${p}: ${counts[i]}`)
      .join(', ')}`,
  batchShape: (path: string, index: number, shape: readonly number[], first: readonly number[]) =>
    `batch: element ${index}${path} has shape [${shape.join(', ')}], the first has [${first.join(', ')}]; ` +
    'elements of a batch must share one shape (map them to one size first)',
  batchStructure: (path: string, index: number) =>
    `batch: element ${index}${path} is not shaped like the first element of the batch`,
  positive: (op: string, name: string, value: unknown) =>
    `${op}: ${name} is ${JSON.stringify(value)}, expected a whole number ≥ 1`,
  nonNegative: (op: string, name: string, value: unknown) =>
    `${op}: ${name} is ${JSON.stringify(value)}, expected a whole number ≥ 0`,
};

/**
 * A lazy, re-iterable stream of elements, as tf.data's: nothing runs until it is iterated, each
 * iteration (each epoch) restarts from the source, and only what an operator needs (a batch,
 * a shuffle buffer, the prefetched elements) is held in memory. A Dataset of `{x, y}` batches
 * goes straight into `model.fit(dataset)` and `validationData`.
 */
export class Dataset<T> implements AsyncIterable<T> {
  readonly #open: () => Iterable<T> | AsyncIterable<T>;

  /** Prefer the static constructors; `open` must return a fresh iterable on each call. */
  constructor(open: () => Iterable<T> | AsyncIterable<T>) {
    if (typeof open !== 'function') throw new ValueError(datasetMessages.notAFunction(open));
    this.#open = open;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    yield* this.#open();
  }

  /** Elements from a source that `open` creates afresh on each iteration (a generator function). */
  static fromIterable<T>(open: () => Iterable<T> | AsyncIterable<T>): Dataset<T> {
    return new Dataset(open);
  }

  /**
   * One element per index of the first axis: `fromTensors({x, y})` yields `{x: x[i], y: y[i]}`.
   * Each element is copied when it is reached, so the tensors are never duplicated whole.
   */
  static fromTensors<T extends TensorStructure>(data: T): Dataset<T> {
    const leaves = tensorLeaves(data);
    const counts = leaves.map(([, t]) => t.shape[0]);
    if (counts.some((c) => c !== counts[0])) {
      throw new ShapeError(
        datasetMessages.counts(
          leaves.map(([p]) => p || 'the tensor'),
          counts,
        ),
      );
    }
    return new Dataset(function* () {
      for (let i = 0; i < counts[0]; i++) yield sliceStructure(data, i) as T;
    });
  }

  /** The rows of a table as records. */
  static fromTable(table: Table): Dataset<Row> {
    return new Dataset(() => table.rows());
  }

  /** `fn` applied to each element (awaited when it returns a promise). */
  map<U>(fn: (element: T) => U | Promise<U>): Dataset<Awaited<U>> {
    return new Dataset(() => mapElements(this, fn));
  }

  /** Only the elements `keep` accepts. */
  filter(keep: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    return new Dataset(() => filterElements(this, keep));
  }

  /**
   * Groups of `size` consecutive elements. Tensors are stacked along a new first axis, keeping
   * the structure: `{x, y}` elements give `{x: [size, …], y: [size, …]}` batches. Other
   * elements (rows, numbers) are collected into arrays.
   */
  batch(size: number, options: BatchOptions = {}): Dataset<Batched<T>> {
    checkWhole('batch', 'size', size, 1);
    const { dropRemainder = false } = options;
    return new Dataset(() => batchElements(this, size, dropRemainder) as AsyncGenerator<Batched<T>>);
  }

  /**
   * tf.data's shuffle: a buffer of `bufferSize` elements; each step yields a random one and
   * puts the next element in its place. A buffer as large as the dataset (or Infinity) gives a
   * uniform shuffle; a smaller one only mixes nearby elements but holds fewer in memory.
   * Seeded runs give the same sequence of orders each time; each iteration gets a new order
   * unless `reshuffleEachIteration` is false.
   */
  shuffle(bufferSize: number, options: ShuffleOptions = {}): Dataset<T> {
    if (bufferSize !== Number.POSITIVE_INFINITY) checkWhole('shuffle', 'bufferSize', bufferSize, 1);
    const { seed, reshuffleEachIteration = true } = options;
    let iteration = 0;
    let fixed: number | undefined;
    const seedFor = (): number => {
      if (seed !== undefined) return reshuffleEachIteration ? mix(seed >>> 0, iteration++) : seed >>> 0;
      if (reshuffleEachIteration) return seedFromGlobal();
      fixed ??= seedFromGlobal();
      return fixed;
    };
    return new Dataset(() => shuffleElements(this, bufferSize, uniformStream(seedFor())));
  }

  /** The elements `count` times over (forever when count is omitted), restarting the source each time. */
  repeat(count = Number.POSITIVE_INFINITY): Dataset<T> {
    if (count !== Number.POSITIVE_INFINITY) checkWhole('repeat', 'count', count, 0);
    return new Dataset(() => repeatElements(this, count));
  }

  /** The first `n` elements; the source is closed after the n-th. */
  take(n: number): Dataset<T> {
    checkWhole('take', 'n', n, 0);
    return new Dataset(() => takeElements(this, n));
  }

  /** All but the first `n` elements. */
  skip(n: number): Dataset<T> {
    checkWhole('skip', 'n', n, 0);
    return new Dataset(() => skipElements(this, n));
  }

  /**
   * Keeps up to `n` elements requested ahead of the consumer, so that an async source (files,
   * a database, the network) reads the next elements while the model trains on this one.
   * Order is kept. Synchronous work does not overlap: JavaScript runs it on the same thread.
   */
  prefetch(n: number): Dataset<T> {
    checkWhole('prefetch', 'n', n, 1);
    return new Dataset(() => prefetchElements(this, n));
  }

  /** Every element, in order. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const element of this) out.push(element);
    return out;
  }
}

function checkWhole(op: string, name: string, value: number, min: 0 | 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(
      min === 1 ? datasetMessages.positive(op, name, value) : datasetMessages.nonNegative(op, name, value),
    );
  }
}

/** Every tensor in a structure with its path ('.x', '[1]'), checking that each can be sliced. */
function tensorLeaves(data: unknown): [string, Tensor][] {
  const leaf = (value: unknown, path: string): [string, Tensor] => {
    if (!(value instanceof Tensor)) throw new ValueError(datasetMessages.notTensors(path || 'data'));
    if (value.rank === 0) throw new ShapeError(datasetMessages.scalar(path || 'the tensor'));
    return [path, value];
  };
  const list = (value: unknown, path: string) =>
    Array.isArray(value) && value.length > 0
      ? value.map((t, i) => leaf(t, `${path}[${i}]`))
      : [leaf(value, path)];
  if (isRecord(data) && Object.keys(data).length > 0) {
    return Object.entries(data).flatMap(([key, value]) => list(value, `.${key}`));
  }
  return list(data, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Tensor);
}

function sliceStructure(data: TensorStructure, i: number): TensorStructure {
  if (data instanceof Tensor) return row(data, i);
  if (Array.isArray(data)) return data.map((t: Tensor) => row(t, i));
  return Object.fromEntries(
    Object.entries(data).map(([key, t]) => [key, t instanceof Tensor ? row(t, i) : t.map((x) => row(x, i))]),
  );
}

/** x[i], copied out of x. */
function row(x: Tensor, i: number): Tensor {
  const stride = x.size / x.shape[0];
  return tensor(x.values.subarray(i * stride, (i + 1) * stride), { shape: x.shape.slice(1), dtype: x.dtype });
}

async function* mapElements<T, U>(
  source: AsyncIterable<T>,
  fn: (e: T) => U | Promise<U>,
): AsyncGenerator<Awaited<U>> {
  for await (const element of source) yield await fn(element);
}

async function* filterElements<T>(
  source: AsyncIterable<T>,
  keep: (e: T) => boolean | Promise<boolean>,
): AsyncGenerator<T> {
  for await (const element of source) if (await keep(element)) yield element;
}

async function* batchElements<T>(
  source: AsyncIterable<T>,
  size: number,
  dropRemainder: boolean,
): AsyncGenerator<unknown> {
  let group: T[] = [];
  for await (const element of source) {
    group.push(element);
    if (group.length === size) {
      yield collate(group, '');
      group = [];
    }
  }
  if (group.length > 0 && !dropRemainder) yield collate(group, '');
}

/** Stacks a group of tensor structures leaf by leaf; anything else stays an array. */
function collate(group: readonly unknown[], path: string): unknown {
  const first = group[0];
  if (first instanceof Tensor) {
    group.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ValueError(datasetMessages.batchStructure(path, i));
      if (t.rank !== first.rank || t.shape.some((d, k) => d !== first.shape[k])) {
        throw new ShapeError(datasetMessages.batchShape(path, i, t.shape, first.shape));
      }
    });
    return stack(group as Tensor[]);
  }
  if (isTensorList(first)) {
    group.forEach((e, i) => {
      if (!Array.isArray(e) || e.length !== first.length)
        throw new ValueError(datasetMessages.batchStructure(path, i));
    });
    return first.map((_, k) =>
      collate(
        group.map((e) => (e as Tensor[])[k]),
        `${path}[${k}]`,
      ),
    );
  }
  if (isRecord(first) && Object.values(first).every((v) => v instanceof Tensor || isTensorList(v))) {
    const keys = Object.keys(first);
    if (keys.length === 0) return [...group];
    return Object.fromEntries(
      keys.map((key) => [
        key,
        collate(
          group.map((e, i) => {
            if (!isRecord(e) || !(key in e))
              throw new ValueError(datasetMessages.batchStructure(`${path}.${key}`, i));
            return e[key];
          }),
          `${path}.${key}`,
        ),
      ]),
    );
  }
  return [...group];
}

function isTensorList(value: unknown): value is Tensor[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => t instanceof Tensor);
}

async function* shuffleElements<T>(
  source: AsyncIterable<T>,
  bufferSize: number,
  draw: () => number,
): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const element of source) {
    if (buffer.length < bufferSize) {
      buffer.push(element);
      continue;
    }
    const j = Math.floor(draw() * buffer.length);
    const out = buffer[j];
    buffer[j] = element;
    yield out;
  }
  while (buffer.length > 0) {
    const j = Math.floor(draw() * buffer.length);
    const out = buffer[j];
    buffer[j] = buffer[buffer.length - 1];
    buffer.pop();
    yield out;
  }
}

async function* repeatElements<T>(source: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  for (let r = 0; r < count; r++) {
    let any = false;
    for await (const element of source) {
      any = true;
      yield element;
    }
    // An empty source repeated forever would spin without yielding.
    if (!any) return;
  }
}

async function* takeElements<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  if (n === 0) return;
  let taken = 0;
  for await (const element of source) {
    yield element;
    if (++taken === n) return;
  }
}

async function* skipElements<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  let seen = 0;
  for await (const element of source) if (seen++ >= n) yield element;
}

/**
 * Up to n pending `next()` calls on the source, each started only once the one before it has
 * settled: an iterator written by hand need not cope with overlapping calls.
 */
async function* prefetchElements<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const pending: Promise<IteratorResult<T>>[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  let ended = false;
  const request = () => {
    const next = tail.then(() => (ended ? { done: true as const, value: undefined } : iterator.next()));
    // Marks the promise handled: a failure is reported when the consumer reaches it, not as
    // an unhandled rejection while it waits in the queue.
    tail = next.then(
      (r) => {
        if (r.done) ended = true;
      },
      () => {
        ended = true;
      },
    );
    pending.push(next);
  };
  try {
    for (let i = 0; i < n; i++) request();
    while (true) {
      const result = await pending.shift()!;
      if (result.done) return;
      request();
      yield result.value;
    }
  } finally {
    if (!ended) {
      ended = true;
      await tail;
      await iterator.return?.();
    }
  }
}
