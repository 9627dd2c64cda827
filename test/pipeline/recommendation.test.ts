import { describe, expect, test } from 'vitest';
import { Table, type Value } from '../../src/data/table.js';
import { parsePipelineConfig } from '../../src/pipeline/config.js';
import {
  evaluateRanking,
  SAMPLED_NEGATIVES,
  sampleCandidates,
  sampledRanks,
} from '../../src/pipeline/recommendation/evaluate.js';
import { popularityScorer, type Scorer } from '../../src/pipeline/recommendation/models.js';
import { median, readPurchases } from '../../src/pipeline/recommendation/purchases.js';
import { splitPurchases } from '../../src/pipeline/recommendation/split.js';
import { revenueOfLists } from '../../src/pipeline/recommendation/value.js';

const spec = {
  user: 'customer',
  item: 'product',
  time: 'at',
  price: 'price',
  description: 'name',
  currency: 'GBP',
  testDays: 30,
  negatives: 4,
};
const day = (n: number) => new Date(Date.UTC(2011, 0, 1 + n));

/**
 * A bought p1 (day 0), p2 (day 10) and p3 (day 50, their test: new in their last 30 days);
 * B bought only within their last 30 days (trained on, not tested); C's late product p4 was never
 * sold before, so it cannot be ranked.
 */
function lines(): Table {
  const rows: [string, string, number, number, string][] = [
    ['A', 'p1', 0, 2, 'mug'],
    ['A', 'p1', 3, 3, 'mug'],
    ['A', 'p2', 10, 1, 'lamp'],
    ['A', 'p3', 50, 5, 'chair'],
    ['B', 'p1', 5, 4, 'mug'],
    ['B', 'p3', 8, 5, 'big chair'],
    ['B', 'p3', 9, 5, 'chair'],
    ['C', 'p2', 0, 1, 'lamp'],
    ['C', 'p4', 40, 9, 'table'],
  ];
  const column = (k: number, f: (v: never) => Value = (v) => v) => rows.map((r) => f(r[k] as never));
  return new Table({
    customer: column(0),
    product: column(1),
    at: column(2, (n: number) => day(n)),
    price: column(3),
    name: column(4),
  });
}

describe('recommendation data', () => {
  test('purchases: first time per pair, median price and most frequent description per product', () => {
    const p = readPurchases(lines(), spec);
    expect(p.pairs).toHaveLength(7);
    expect(p.pairs.find((x) => x.user === 'A' && x.item === 'p1')!.first).toBe(day(0).getTime());
    expect(p.catalogue.get('p1')).toEqual({ id: 'p1', description: 'mug', price: 3 });
    expect(p.catalogue.get('p3')).toEqual({ id: 'p3', description: 'chair', price: 5 });
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('purchases: a time that is not a date names the line and the fix', () => {
    const table = new Table({
      customer: ['A'],
      product: ['p1'],
      at: ['2011-01-01'],
      price: [1],
      name: ['x'],
    });
    expect(() => readPurchases(table, spec)).toThrow(
      /<memory>:1: data\.interactions\.time: at is "2011-01-01", not a date; coerce it/,
    );
    expect(() => readPurchases(table, { ...spec, item: 'sku' })).toThrow(
      /data\.interactions\.item: no column 'sku'/,
    );
  });

  test('split: each customer’s last 30 days are their test, products new to them and known to the models', () => {
    const data = splitPurchases(readPurchases(lines(), spec), spec, { validation: 0, seed: 1 });
    // Most frequent first, ties in code-unit order: A and B bought 2 products in training, C 1.
    expect(data.users).toEqual(['A', 'B', 'C']);
    expect(data.catalogue.map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
    expect(data.test).toEqual([{ user: 1, items: [3] }]);
    expect([...data.seen[1]].sort()).toEqual([1, 2]);
    expect([...data.bought[1]].sort()).toEqual([1, 2, 3]);
    expect(data.counts).toEqual({
      pairs: 7,
      train: 5,
      validation: 0,
      test: 1,
      testCustomers: 1,
      unseenProducts: 1,
      newCustomers: 1,
    });
  });

  test('split: no test customer at all is an error that says what to change', () => {
    const short = { ...spec, testDays: 400 };
    expect(() => splitPurchases(readPurchases(lines(), short), short, { validation: 0, seed: 1 })).toThrow(
      /no customer bought a product new to them in the last 400 days .* shorten testDays/,
    );
  });

  test('revenue: the recommended products bought, at their median price, per 1,000 customers', () => {
    const data = splitPurchases(readPurchases(lines(), spec), spec, { validation: 0, seed: 1 });
    // A is shown p3 (bought, median price 5) and p2 (not bought).
    expect(revenueOfLists('m', [[3, 2]], data, 1000)).toEqual({ name: 'm', revenue: 5000, hitRate: 0.5 });
  });
});

describe('ranking evaluation', () => {
  // 3 customers, 150 products; each customer's test product is their own.
  const catalogue = Array.from({ length: 150 }, (_, i) => ({ id: `p${i + 1}`, description: '', price: 1 }));
  const data = {
    users: ['a', 'b', 'c'],
    catalogue,
    test: [
      { user: 1, items: [10, 20] },
      { user: 2, items: [30] },
      { user: 3, items: [40] },
    ],
    bought: [new Set<number>(), new Set([1, 10, 20]), new Set([2, 30]), new Set([40])],
    seen: [new Set<number>(), new Set([1]), new Set([2]), new Set<number>()],
  } as unknown as Parameters<typeof evaluateRanking>[1];

  test('candidates: the test product first, then 100 distinct products the customer never bought', () => {
    const c = sampleCandidates(data, 7);
    const width = 1 + SAMPLED_NEGATIVES;
    expect(c.lists).toBe(4);
    for (let l = 0; l < c.lists; l++) {
      const list = Array.from(c.items.subarray(l * width, (l + 1) * width));
      const user = c.users[l * width];
      expect(new Set(list).size).toBe(width);
      for (const item of list.slice(1)) expect(data.bought[user].has(item)).toBe(false);
    }
    expect(Array.from({ length: 4 }, (_, l) => c.items[l * width])).toEqual([10, 20, 30, 40]);
  });

  test('a model that knows the answer scores HR@10 = NDCG@10 = recall@10 = 1; read from full rows as scored directly', () => {
    const oracle: Scorer = (users, items) =>
      Float32Array.from(items, (item, i) => (data.test[users[i] - 1].items.includes(item) ? 1 : item / 1000));
    const candidates = sampleCandidates(data, 7);
    const ranking = evaluateRanking(oracle, data, candidates);
    expect(ranking.metrics).toEqual({ hr_at_10: 1, ndcg_at_10: expect.any(Number), recall_at_10: 1 });
    // Customer 1's two test products tie at the top: ranks 0 and 0 (half of one tie, rounded down).
    expect(ranking.metrics.ndcg_at_10).toBe(1);
    expect(Array.from(sampledRanks(oracle, candidates))).toEqual([0, 0, 0, 0]);
    // What a customer bought before is never in their list; their test products lead it.
    expect(ranking.lists[0].slice(0, 2)).toEqual([10, 20]);
    expect(ranking.lists[0]).not.toContain(1);
  });

  test('popularity ranks by the number of training buyers', () => {
    const score = popularityScorer({ users: Int32Array.of(1, 2, 3), items: Int32Array.of(5, 5, 6) }, 151);
    expect(Array.from(score(Int32Array.of(1, 1, 1), Int32Array.of(5, 6, 7)))).toEqual([2, 1, 0]);
  });
});

describe('recommendation pipeline files', () => {
  const base = `name: r
data:
  source: x.csv
  task: recommendation
  interactions: { user: CustomerID, item: StockCode, time: InvoiceDate }
model: { preset: recommender }
`;

  test('a valid file gets the defaults of its interactions', () => {
    const config = parsePipelineConfig(base, 'r.yaml');
    expect(config.data.interactions).toEqual({
      user: 'CustomerID',
      item: 'StockCode',
      time: 'InvoiceDate',
      currency: 'EUR',
      testDays: 30,
      negatives: 4,
    });
  });

  test.each([
    [
      base.replace(/ {2}interactions: .*\n/, ''),
      /r\.yaml:3: data: data\.task recommendation needs data\.interactions/,
    ],
    [
      base.replace('task: recommendation', 'task: recommendation\n  label: Quantity'),
      /r\.yaml:5: data\.label: a recommendation has no label/,
    ],
    [
      base.replace('preset: recommender', 'preset: mlp'),
      /r\.yaml:6: model: a recommendation trains the recommender preset/,
    ],
    [
      base.replace('task: recommendation\n', 'label: y\n'),
      /r\.yaml:5: data\.interactions: interactions are read only for data\.task recommendation/,
    ],
    [
      base.replace('time: InvoiceDate', 'time: InvoiceDate, testDays: 0'),
      /r\.yaml:5: data\.interactions\.testDays/,
    ],
  ])('a bad file names the key and line (%#)', (text, message) => {
    expect(() => parsePipelineConfig(text, 'r.yaml')).toThrow(message);
  });
});
