import type { TypedArray } from '../backend/index.js';
import { permutation, uniformStream } from '../data/split.js';
import { gather } from '../ops/gather.js';
import { reshape } from '../ops/reshape.js';
import { tensor } from '../tensor/creation.js';
import { ShapeError, ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';

/** What fit, evaluate and predict take as x or y: a tensor, a typed array, or one per input. */
export type Data = Tensor | TypedArray | readonly (Tensor | TypedArray)[];

/** One batch: a tensor per model input and per output, and optional per-sample weights. */
export interface Batch {
  xs: Tensor[];
  ys: Tensor[];
  sampleWeight?: Tensor;
}

/**
 * A source of batches that is iterated once per epoch, such as the data pipeline's Dataset.
 * Each element is `{x, y}` (or `{xs, ys}`) or `[x, y]`, already batched.
 */
export type BatchIterable = AsyncIterable<unknown> | Iterable<unknown>;

export function isBatchIterable(value: unknown): value is BatchIterable {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Tensor) &&
    !ArrayBuffer.isView(value) &&
    !Array.isArray(value) &&
    (Symbol.asyncIterator in value || Symbol.iterator in value)
  );
}

/** Reads one element of a batch iterable as a Batch, or says what it should have been. */
export function toBatch(element: unknown, where: string): Batch {
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Tensor[];
  let xs: Tensor[];
  let ys: Tensor[];
  if (Array.isArray(element) && element.length === 2) {
    xs = list(element[0]);
    ys = list(element[1]);
  } else if (typeof element === 'object' && element !== null) {
    const e = element as Record<string, unknown>;
    xs = list(e.xs ?? e.x);
    ys = list(e.ys ?? e.y);
  } else {
    xs = [];
    ys = [];
  }
  if (xs.length === 0 || ![...xs, ...ys].every((t) => t instanceof Tensor)) {
    throw new ValueError(
      `${where}: each batch must be {x, y} or [x, y] of tensors, got ${describe(element)}`,
    );
  }
  const sampleWeight = (element as { sampleWeight?: unknown }).sampleWeight;
  return sampleWeight instanceof Tensor ? { xs, ys, sampleWeight } : { xs, ys };
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return Array.isArray(value)
    ? `an array of ${value.length}`
    : `an object with keys ${Object.keys(value).join(', ')}`;
}

/**
 * Turns x or y into one tensor per model input (or output). A typed array is one sample after
 * another; `sampleShapes` says how to cut it.
 */
export function toTensors(
  data: Data,
  sampleShapes: readonly (readonly (number | null)[])[],
  what: string,
): Tensor[] {
  const list = Array.isArray(data) ? data : [data as Tensor | TypedArray];
  if (list.length !== sampleShapes.length) {
    throw new ValueError(`${what}: the model has ${sampleShapes.length} of them, got ${list.length}`);
  }
  return list.map((item, i) => {
    if (item instanceof Tensor) return item;
    const shape = sampleShapes[i];
    if (shape.some((d) => d === null)) {
      throw new ValueError(
        `${what}: a typed array needs a model whose shape is known; pass a tensor instead`,
      );
    }
    return reshape(tensor(item as TypedArray), [-1, ...(shape as number[])]);
  });
}

/** The number of samples, which must agree across every tensor. */
export function sampleCount(tensors: readonly Tensor[], what: string): number {
  const counts = tensors.map((t) => t.shape[0]);
  if (tensors.some((t) => t.rank === 0) || counts.some((n) => n !== counts[0])) {
    throw new ShapeError(
      `${what}: every array needs the same number of samples in its first dimension, got shapes ${tensors
        .map((t) => `[${t.shape.join(', ')}]`)
        .join(' and ')}`,
    );
  }
  return counts[0];
}

/**
 * Samples [begin, end) of in-memory tensors, cut into batches each time it is iterated and
 * reshuffled each epoch from the global random stream: only one batch is copied at a time,
 * never the whole set (validationSplit holds out a range this way, without a copy).
 */
export class TensorBatches implements Iterable<Batch> {
  constructor(
    readonly xs: readonly Tensor[],
    readonly ys: readonly Tensor[],
    readonly options: {
      batchSize: number;
      shuffle: boolean;
      sampleWeight?: Tensor;
      begin?: number;
      end?: number;
    },
  ) {}

  get size(): number {
    return (this.options.end ?? this.xs[0].shape[0]) - (this.options.begin ?? 0);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const { batchSize, shuffle, sampleWeight, begin = 0 } = this.options;
    const n = this.size;
    // The data layer's seeded Fisher–Yates, drawn from the global stream so setSeed decides it.
    const order = shuffle
      ? Int32Array.from(permutation(n, uniformStream()), (i) => i + begin)
      : Int32Array.from({ length: n }, (_, i) => i + begin);
    for (let start = 0; start < n; start += batchSize) {
      const indices = tensor(order.subarray(start, Math.min(n, start + batchSize)));
      yield {
        xs: this.xs.map((t) => gather(t, indices)),
        ys: this.ys.map((t) => gather(t, indices)),
        sampleWeight: sampleWeight && gather(sampleWeight, indices),
      };
    }
  }
}
