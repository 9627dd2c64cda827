import { uniformStream } from '../../data/split.js';
import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { IndexPairs } from './split.js';

/** One batch as fit takes it: [[users, items], bought]; ids int32 [b, 1], labels float32 [b, 1]. */
export type PairBatch = [[Tensor, Tensor], Tensor];

/**
 * Implicit feedback as a binary task (He et al., 2017): every bought pair is a 1, and for each,
 * `negatives` products the customer did not buy in training, drawn uniformly from the catalogue,
 * are 0s. Iterated once per epoch by fit, each epoch draws fresh negatives and a fresh order, so
 * that over the epochs the model sees far more of the unbought catalogue than one draw holds.
 */
export function sampledEpochs(
  pairs: IndexPairs,
  options: { items: number; negatives: number; batchSize: number; seed: number; bought: Set<number>[] },
): Iterable<PairBatch> {
  const draw = uniformStream(options.seed);
  return { [Symbol.iterator]: () => batches(withNegatives(pairs, options, draw), options.batchSize, draw) };
}

/** Validation pairs with one fixed draw of negatives, so that val_loss compares epoch with epoch. */
export function sampledOnce(
  pairs: IndexPairs,
  options: { items: number; negatives: number; batchSize: number; seed: number; bought: Set<number>[] },
): Iterable<PairBatch> {
  const draw = uniformStream(options.seed);
  const fixed = [...batches(withNegatives(pairs, options, draw), options.batchSize)];
  // An iterable, not the array: fit reads an array as an [x, y] pair.
  return { [Symbol.iterator]: () => fixed[Symbol.iterator]() };
}

interface Examples {
  users: Int32Array;
  items: Int32Array;
  labels: Float32Array;
}

function withNegatives(
  pairs: IndexPairs,
  options: { items: number; negatives: number; bought: Set<number>[] },
  draw: () => number,
): Examples {
  const { negatives, items: count, bought } = options;
  const n = pairs.users.length * (1 + negatives);
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const labels = new Float32Array(n);
  let at = 0;
  for (let p = 0; p < pairs.users.length; p++) {
    const user = pairs.users[p];
    users[at] = user;
    items[at] = pairs.items[p];
    labels[at++] = 1;
    const own = bought[user];
    for (let k = 0; k < negatives; k++) {
      // A customer who bought most of the catalogue could make this loop long: after a few tries
      // a bought product is taken as a negative, as uniform sampling without the check would.
      let item = 1 + Math.floor(draw() * count);
      for (let tries = 0; own?.has(item) && tries < 20; tries++) item = 1 + Math.floor(draw() * count);
      users[at] = user;
      items[at++] = item;
    }
  }
  return { users, items, labels };
}

function* batches(examples: Examples, batchSize: number, draw?: () => number): Generator<PairBatch> {
  const n = examples.users.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (draw)
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(draw() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const users = new Int32Array(size);
    const items = new Int32Array(size);
    const labels = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const e = order[start + i];
      users[i] = examples.users[e];
      items[i] = examples.items[e];
      labels[i] = examples.labels[e];
    }
    yield [
      [tensor(users, { shape: [size, 1] }), tensor(items, { shape: [size, 1] })],
      tensor(labels, { shape: [size, 1] }),
    ];
  }
}
