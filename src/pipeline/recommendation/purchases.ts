import type { Table, Value } from '../../data/table.js';
import { ValueError } from '../../tensor/errors.js';
import type { InteractionsConfig } from './config.js';

/** A product as a recommendation shows it. */
export interface CatalogueItem {
  id: string;
  description: string;
  /** The median unit price of its purchase lines (0 when the data has no price column). */
  price: number;
}

/** One customer × product pair, as the cleaned purchase lines give it. */
export interface Pair {
  user: string;
  item: string;
  /** When the customer first bought the product (ms since the epoch). */
  first: number;
}

/** The cleaned purchase lines, reduced to what a recommender learns from. */
export interface Purchases {
  pairs: Pair[];
  /** Each customer's last purchase (ms). */
  lastPurchase: Map<string, number>;
  /** Every product bought, by id. */
  catalogue: Map<string, CatalogueItem>;
  lines: number;
}

/**
 * One pass over the purchase lines: the first time each customer bought each product, each
 * customer's last purchase, and each product's median price and most frequent description.
 * Lines with no customer or product were the cleaning's to drop; one that is left is an error
 * naming its line, as is a time that is not a date.
 */
export function readPurchases(table: Table, spec: InteractionsConfig): Purchases {
  for (const key of ['user', 'item', 'time', 'quantity', 'price', 'description'] as const) {
    const column = spec[key];
    if (column !== undefined && !table.has(column))
      throw new ValueError(
        `data.interactions.${key}: no column '${column}'; the columns are ${table.columnNames.join(', ')}`,
      );
  }
  const users = table.column(spec.user);
  const items = table.column(spec.item);
  const times = table.column(spec.time);
  const prices = spec.price === undefined ? undefined : table.column(spec.price);
  const descriptions = spec.description === undefined ? undefined : table.column(spec.description);
  const first = new Map<string, Pair>();
  const lastPurchase = new Map<string, number>();
  const priceLists = new Map<string, number[]>();
  const names = new Map<string, Map<string, number>>();
  for (let i = 0; i < table.numRows; i++) {
    const where = () => {
      const origin = table.origins[i];
      return origin ? `${origin.source}:${origin.line}` : `row ${i + 1}`;
    };
    const user = text(users[i]);
    const item = text(items[i]);
    if (user === undefined || item === undefined)
      throw new ValueError(
        `${where()}: data.interactions: ${user === undefined ? spec.user : spec.item} is missing; drop such lines in clean (rule '${user === undefined ? spec.user : spec.item} is missing')`,
      );
    const t = times[i];
    if (!(t instanceof Date))
      throw new ValueError(
        `${where()}: data.interactions.time: ${spec.time} is ${JSON.stringify(t)}, not a date; coerce it in clean ({ step: coerce, columns: { ${spec.time}: datetime } })`,
      );
    const ms = t.getTime();
    const key = `${user}\u0000${item}`;
    const pair = first.get(key);
    if (pair === undefined) first.set(key, { user, item, first: ms });
    else if (ms < pair.first) pair.first = ms;
    if (ms > (lastPurchase.get(user) ?? Number.NEGATIVE_INFINITY)) lastPurchase.set(user, ms);
    const price = prices?.[i];
    if (typeof price === 'number' && Number.isFinite(price)) push(priceLists, item, price);
    else if (!priceLists.has(item)) priceLists.set(item, []);
    const name = descriptions === undefined ? undefined : text(descriptions[i]);
    if (name !== undefined) {
      const counts = names.get(item) ?? new Map<string, number>();
      counts.set(name, (counts.get(name) ?? 0) + 1);
      names.set(item, counts);
    }
  }
  const catalogue = new Map<string, CatalogueItem>();
  for (const [id, list] of priceLists)
    catalogue.set(id, { id, description: mostFrequent(names.get(id)) ?? '', price: median(list) });
  return { pairs: [...first.values()], lastPurchase, catalogue, lines: table.numRows };
}

function text(value: Value): string | undefined {
  if (value === null || value === undefined) return undefined;
  const s = value instanceof Date ? value.toISOString() : String(value).trim();
  return s === '' ? undefined : s;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The description most lines give (ties to the first in code-unit order, for the same answer every run). */
function mostFrequent(counts: Map<string, number> | undefined): string | undefined {
  let best: string | undefined;
  let most = 0;
  for (const [name, n] of counts ?? []) {
    if (n > most || (n === most && best !== undefined && name < best)) {
      best = name;
      most = n;
    }
  }
  return best;
}
