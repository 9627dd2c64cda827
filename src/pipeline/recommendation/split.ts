import { uniformStream } from '../../data/split.js';
import { Table } from '../../data/table.js';
import { type FittedFeatures, featurePipeline } from '../../data/transform/pipeline.js';
import { ValueError } from '../../tensor/errors.js';
import type { InteractionsConfig } from './config.js';
import type { CatalogueItem, Purchases } from './purchases.js';

const DAY = 86_400_000;

/** Customer and product pairs as embedding indices (1…n; 0 is the unknown bucket). */
export interface IndexPairs {
  users: Int32Array;
  items: Int32Array;
}

/** What a customer went on to buy in their last `testDays`: products new to them and known to the model. */
export interface TestCustomer {
  user: number;
  items: number[];
}

/**
 * Purchases split in time and indexed for the models: the products each customer first bought
 * in the last `testDays` of their own history are their test set, when they bought something
 * before that; the pairs before it are training pairs, of which a seeded share is held out for
 * validation. Indices come from the fitted features (most frequent first), so that training,
 * evaluation and serving read ids alike.
 */
export interface Interactions {
  /** users[i] has index i + 1. */
  users: string[];
  /** catalogue[i] has index i + 1: every product bought in training. */
  catalogue: CatalogueItem[];
  features: FittedFeatures;
  train: IndexPairs;
  validation: IndexPairs;
  test: TestCustomer[];
  /** bought[u]: every known product customer u bought, test ones included (index 0 unused). */
  bought: Set<number>[];
  /** seen[u]: what customer u bought before their test days (training and validation): never recommended to them. */
  seen: Set<number>[];
  counts: {
    pairs: number;
    train: number;
    validation: number;
    test: number;
    testCustomers: number;
    /** Test pairs left out: the product was never bought in training, so no model can rank it. */
    unseenProducts: number;
    /** Customers all of whose purchases fall in their last `testDays`: trained on, not tested. */
    newCustomers: number;
  };
}

export function splitPurchases(
  purchases: Purchases,
  spec: InteractionsConfig,
  options: { validation: number; seed: number },
): Interactions {
  if (purchases.pairs.length === 0)
    throw new ValueError(
      'data.interactions: no purchases are left after cleaning; nothing to recommend from',
    );
  const window = spec.testDays * DAY;
  const earliest = new Map<string, number>();
  for (const p of purchases.pairs)
    if (p.first < (earliest.get(p.user) ?? Number.POSITIVE_INFINITY)) earliest.set(p.user, p.first);
  // A customer is tested only if they bought something before their own last `testDays`.
  const cutoff = (user: string) => purchases.lastPurchase.get(user)! - window;
  const tested = (user: string) => earliest.get(user)! <= cutoff(user);
  const before = purchases.pairs.filter((p) => !tested(p.user) || p.first <= cutoff(p.user));
  const after = purchases.pairs.filter((p) => tested(p.user) && p.first > cutoff(p.user));
  let newCustomers = 0;
  for (const user of earliest.keys()) if (!tested(user)) newCustomers++;

  const { train, validation } = holdOut(before, options);
  const features = featurePipeline({
    columns: { [spec.user]: { kind: 'index' }, [spec.item]: { kind: 'index' } },
  }).fit(
    new Table({
      [spec.user]: train.map((p) => p.user),
      [spec.item]: train.map((p) => p.item),
    }),
  );
  const userOf = indexer(features, spec.user);
  const itemOf = indexer(features, spec.item);
  const users = vocabulary(
    train.map((p) => p.user),
    userOf,
  );
  const catalogue = vocabulary(
    train.map((p) => p.item),
    itemOf,
  ).map((id) => purchases.catalogue.get(id)!);

  const bought = Array.from({ length: users.length + 1 }, () => new Set<number>());
  const known = (pairs: readonly { user: string; item: string }[]) =>
    pairs
      .map((p) => ({ user: userOf(p.user), item: itemOf(p.item) }))
      .filter((p) => p.user > 0 && p.item > 0);
  const seen = Array.from({ length: users.length + 1 }, () => new Set<number>());
  for (const p of known([...train, ...validation])) seen[p.user].add(p.item);
  for (const p of known([...train, ...validation, ...after])) bought[p.user].add(p.item);

  const tests = new Map<number, number[]>();
  const afterKnown = known(after);
  for (const p of afterKnown) {
    const list = tests.get(p.user);
    if (list) list.push(p.item);
    else tests.set(p.user, [p.item]);
  }
  const test = [...tests].map(([user, items]) => ({ user, items })).sort((a, b) => a.user - b.user);
  if (test.length === 0)
    throw new ValueError(
      `data.interactions.testDays: no customer bought a product new to them in the last ${spec.testDays} days of their history after buying before it; read more of the data (data.limit) or shorten testDays`,
    );
  const validationPairs = known(validation);
  return {
    users,
    catalogue,
    features,
    train: indexPairs(known(train)),
    validation: indexPairs(validationPairs),
    test,
    bought,
    seen,
    counts: {
      pairs: purchases.pairs.length,
      train: train.length,
      validation: validationPairs.length,
      test: afterKnown.length,
      testCustomers: test.length,
      unseenProducts: after.length - afterKnown.length,
      newCustomers,
    },
  };
}

/**
 * A seeded share of the pairs held out for validation, never a customer's last training pair
 * (a customer the model never trains on has no embedding to validate).
 */
function holdOut<P extends { user: string }>(
  pairs: readonly P[],
  options: { validation: number; seed: number },
) {
  const share = options.validation;
  const wanted = share >= 1 ? Math.min(Math.floor(share), pairs.length) : Math.round(pairs.length * share);
  const left = new Map<string, number>();
  for (const p of pairs) left.set(p.user, (left.get(p.user) ?? 0) + 1);
  const draw = uniformStream(options.seed);
  const order = pairs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const held = new Set<number>();
  for (const i of order) {
    if (held.size >= wanted) break;
    const user = pairs[i].user;
    if (left.get(user)! > 1) {
      held.add(i);
      left.set(user, left.get(user)! - 1);
    }
  }
  return {
    train: pairs.filter((_, i) => !held.has(i)),
    validation: pairs.filter((_, i) => held.has(i)),
  };
}

/** An id's embedding index under the fitted features: 0 for one never seen in training. */
function indexer(features: FittedFeatures, column: string): (id: string) => number {
  const transform = features.transforms.find((t) => t.column === column)!;
  const out = new Int32Array(1);
  const cache = new Map<string, number>();
  return (id) => {
    let index = cache.get(id);
    if (index === undefined) {
      transform.write(id, out, 0);
      index = out[0];
      cache.set(id, index);
    }
    return index;
  };
}

/** The ids in index order: ids[i] has index i + 1. */
function vocabulary(ids: readonly string[], indexOf: (id: string) => number): string[] {
  const out: string[] = [];
  for (const id of new Set(ids)) out[indexOf(id) - 1] = id;
  return out;
}

function indexPairs(pairs: readonly { user: number; item: number }[]): IndexPairs {
  return { users: Int32Array.from(pairs, (p) => p.user), items: Int32Array.from(pairs, (p) => p.item) };
}
