import { ValueError } from '../tensor/errors.js';
import { Table, type Value } from './table.js';

export interface InteractionOptions {
  /** The column naming who acted (a customer). */
  user: string;
  /** The column naming what they acted on (a product). */
  item: string;
  /** A numeric column summed per pair (a quantity); each row counts 1 when absent. */
  weight?: string;
  /** A date column: the pair's first and last time are kept. */
  time?: string;
}

/**
 * Implicit feedback: one row per (user, item) pair that occurs, with how many rows it had, the
 * summed weight, and its first and last time — the customer × item table a recommender trains
 * on. Rows whose user or item is missing are counted and left out, never silently.
 */
export function interactionTable(
  table: Table,
  options: InteractionOptions,
): { table: Table; skipped: number } {
  const users = table.column(options.user);
  const items = table.column(options.item);
  const weights = options.weight === undefined ? null : table.column(options.weight);
  const times = options.time === undefined ? null : table.column(options.time);
  const pairs = new Map<
    string,
    { user: Value; item: Value; count: number; weight: number; first: Date | null; last: Date | null }
  >();
  let skipped = 0;
  for (let i = 0; i < table.numRows; i++) {
    const user = users[i];
    const item = items[i];
    if (user === null || user === '' || item === null || item === '') {
      skipped++;
      continue;
    }
    const key = `${String(user)}\u0000${String(item)}`;
    let pair = pairs.get(key);
    if (pair === undefined) {
      pair = { user, item, count: 0, weight: 0, first: null, last: null };
      pairs.set(key, pair);
    }
    pair.count++;
    pair.weight += weights === null ? 1 : numberAt(weights, i, options.weight!, table);
    if (times !== null) {
      const t = times[i];
      if (!(t instanceof Date)) {
        const origin = table.origins[i];
        throw new ValueError(
          `${origin.source}:${origin.line}: interactions: column ${options.time} must hold dates (coerce it first), got ${JSON.stringify(t)}`,
        );
      }
      if (pair.first === null || t < pair.first) pair.first = t;
      if (pair.last === null || t > pair.last) pair.last = t;
    }
  }
  const rows = [...pairs.values()];
  const columns: Record<string, Value[]> = {
    [options.user]: rows.map((p) => p.user),
    [options.item]: rows.map((p) => p.item),
    count: rows.map((p) => p.count),
    weight: rows.map((p) => p.weight),
  };
  if (times !== null) {
    columns.first = rows.map((p) => p.first);
    columns.last = rows.map((p) => p.last);
  }
  return { table: new Table(columns), skipped };
}

function numberAt(column: readonly Value[], i: number, name: string, table: Table): number {
  const v = column[i];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const origin = table.origins[i];
  throw new ValueError(
    `${origin.source}:${origin.line}: interactions: column ${name} must hold numbers (coerce it first), got ${JSON.stringify(v)}`,
  );
}
