import { topK } from '../metrics/ranking.js';
import type { RecommenderMetadata } from '../pipeline/recommendation/metadata.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import type { RequestLimits } from './request.js';
import type { LoadedVersion, Serving } from './types.js';

/**
 * `POST /v1/models/{name}:recommend`, Deepline's own verb beside TF Serving's: top-k products for a
 * known customer (`{"customer": "17850", "k": 10}`), leaving out what they bought, or for a new one
 * from the products they just bought (`{"items": ["85123A", "71053"]}`), scored as the customers
 * most like them, who bought most of those products.
 */

export const MAX_K = 100;
/** How many look-alike customers stand in for a new one. */
const NEIGHBOURS = 20;

export const recommendMessages = {
  notRecommender: (model: string) =>
    `${model} is not a recommender: :recommend needs a model trained with data.task recommendation; use :predict, :classify or :regress`,
  notObject: (got: string) => `the request body must be a JSON object, got ${got}`,
  unknownKey: (key: string) => `unknown field '${key}'; a :recommend request has customer or items, and k`,
  both: `send either 'customer' (a known customer) or 'items' (what a new customer bought), not both`,
  neither: `send 'customer' (a known customer's id) or 'items' (the products a new customer bought)`,
  k: (got: unknown, most: number) =>
    `'k' is ${JSON.stringify(got)}; expected a whole number from 1 to ${most}, the products to recommend`,
  customerType: (got: unknown) =>
    `'customer' is ${JSON.stringify(got)}; expected a customer id (a string or number)`,
  unknownCustomer: (id: string, model: string) =>
    `'customer': no customer '${id}' in ${model}; for a new customer, send the products they bought as 'items'`,
  itemsType: `'items' must be a non-empty list of product ids (strings)`,
  tooMany: (n: number, most: number) => `'items' holds ${n} products; at most ${most} are taken`,
  itemType: (i: number, got: unknown) =>
    `'items[${i}]' is ${JSON.stringify(got)}; expected a product id (a string)`,
  unknownItem: (i: number, id: string, model: string) =>
    `'items[${i}]': no product '${id}' in the catalogue of ${model}`,
};

export interface Recommendation {
  item: string;
  description: string;
  score: number;
  /** The median unit price the product sold at. */
  price: number;
}

type Query = { customer: string; user: number } | { items: number[] };

export async function recommend(
  serving: Serving,
  version: LoadedVersion,
  body: unknown,
  limits: RequestLimits,
): Promise<Record<string, unknown>> {
  const model = `model '${version.name}' version ${version.version}`;
  const meta = version.meta.recommender;
  if (!meta) throw new InvalidArgumentError(recommendMessages.notRecommender(model));
  const { query, k } = parseRecommendRequest(body, meta, model, limits);
  const group = 'user' in query ? { users: [query.user], weights: [1] } : lookAlikes(meta, query.items);
  const { outputs } = await serving.infer(version, { kind: 'recommend', ...group });
  const excluded = new Set('user' in query ? meta.history[query.user - 1] : query.items);
  const best = topK(outputs, k, (i) => excluded.has(i + 1));
  const recommendations: Recommendation[] = best.map((i) => {
    const product = meta.catalogue[i];
    return {
      item: product.id,
      description: product.description,
      score: round(outputs[i]),
      price: product.price,
    };
  });
  return {
    ...('customer' in query
      ? { customer: query.customer }
      : { items: query.items.map((i) => meta.catalogue[i - 1].id) }),
    recommendations,
    currency: meta.currency,
    model_version: String(version.version),
  };
}

export function parseRecommendRequest(
  body: unknown,
  meta: RecommenderMetadata,
  model: string,
  limits: RequestLimits,
): { query: Query; k: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidArgumentError(
      recommendMessages.notObject(body === null ? 'null' : Array.isArray(body) ? 'a list' : typeof body),
    );
  const request = body as Record<string, unknown>;
  for (const key of Object.keys(request))
    if (!['customer', 'items', 'k'].includes(key))
      throw new InvalidArgumentError(recommendMessages.unknownKey(key.slice(0, 100)));
  const most = Math.min(MAX_K, meta.catalogue.length);
  const k = request.k ?? Math.min(10, most);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > most)
    throw new InvalidArgumentError(recommendMessages.k(k, most));
  const hasCustomer = request.customer !== undefined;
  const hasItems = request.items !== undefined;
  if (hasCustomer && hasItems) throw new InvalidArgumentError(recommendMessages.both);
  if (!hasCustomer && !hasItems) throw new InvalidArgumentError(recommendMessages.neither);
  if (hasCustomer) {
    const raw = request.customer;
    if (
      !(typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw))) ||
      String(raw).trim() === ''
    )
      throw new InvalidArgumentError(recommendMessages.customerType(raw));
    const customer = String(raw).trim();
    const user = userIndex(meta).get(customer);
    if (user === undefined)
      throw new NotFoundError(recommendMessages.unknownCustomer(customer.slice(0, 100), model));
    return { query: { customer, user }, k };
  }
  const list = request.items;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError(recommendMessages.itemsType);
  if (list.length > limits.maxExamples)
    throw new InvalidArgumentError(recommendMessages.tooMany(list.length, limits.maxExamples));
  const index = itemIndex(meta);
  const items = list.map((id, i) => {
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new InvalidArgumentError(recommendMessages.itemType(i, id));
    const found = index.get(String(id).trim());
    if (found === undefined)
      throw new InvalidArgumentError(recommendMessages.unknownItem(i, String(id).slice(0, 100), model));
    return found;
  });
  return { query: { items: [...new Set(items)] }, k };
}

/**
 * The customers who bought the most of these products (up to NEIGHBOURS, ties to the more
 * frequent customer, i.e. the lower index), weighted by how many of them they bought.
 */
function lookAlikes(
  meta: RecommenderMetadata,
  items: readonly number[],
): { users: number[]; weights: number[] } {
  const buyers = buyersOf(meta);
  const overlap = new Map<number, number>();
  for (const item of items)
    for (const user of buyers[item] ?? []) overlap.set(user, (overlap.get(user) ?? 0) + 1);
  const ranked = [...overlap].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, NEIGHBOURS);
  return { users: ranked.map(([user]) => user), weights: ranked.map(([, n]) => n) };
}

// Indexes built once per loaded version's metadata, on first use.
const indexes = {
  users: new WeakMap<RecommenderMetadata, Map<string, number>>(),
  items: new WeakMap<RecommenderMetadata, Map<string, number>>(),
  buyers: new WeakMap<RecommenderMetadata, number[][]>(),
};

function cached<T>(map: WeakMap<RecommenderMetadata, T>, meta: RecommenderMetadata, build: () => T): T {
  let value = map.get(meta);
  if (value === undefined) {
    value = build();
    map.set(meta, value);
  }
  return value;
}

const userIndex = (meta: RecommenderMetadata) =>
  cached(indexes.users, meta, () => new Map(meta.users.map((id, i) => [id, i + 1])));

const itemIndex = (meta: RecommenderMetadata) =>
  cached(indexes.items, meta, () => new Map(meta.catalogue.map((p, i) => [p.id, i + 1])));

/** buyersOf(meta)[item]: the customers who bought the product. */
const buyersOf = (meta: RecommenderMetadata) =>
  cached(indexes.buyers, meta, () => {
    const lists: number[][] = Array.from({ length: meta.catalogue.length + 1 }, () => []);
    meta.history.forEach((bought, u) => {
      for (const item of bought) lists[item].push(u + 1);
    });
    return lists;
  });

/** Float32 scores as the shortest decimal that reads back the same, as the other verbs answer. */
function round(value: number): number {
  const single = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const short = Number(value.toPrecision(digits));
    if (Math.fround(short) === single) return short;
  }
  return single;
}
