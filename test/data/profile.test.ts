import { describe, expect, test } from 'vitest';
import { formatProfile, looksLikeIdName, profile, profileTable } from '../../src/data/profile.js';
import { seededRandom } from '../../src/data/sketch.js';
import { Table, type Value } from '../../src/data/table.js';
import { ValueError } from '../../src/tensor/errors.js';

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A shop-like table: every column type, written as a CSV reader would give it (strings). */
function shop(n: number, seed = 1): Table {
  const random = seededRandom(seed);
  const countries = ['United Kingdom', 'France', 'Germany', 'EIRE', 'Spain'];
  const words = ['red', 'heart', 'lantern', 'metal', 'glass', 'vintage', 'cake', 'tin', 'set', 'of'];
  const column = (f: (i: number) => Value) => Array.from({ length: n }, (_, i) => f(i));
  return new Table({
    InvoiceNo: column((i) => String(500_000 + i)),
    CustomerID: column(() => String(10_000 + Math.floor(random() * 400))),
    Country: column(() => countries[Math.floor(random() ** 2 * countries.length)]),
    Description: column(() =>
      Array.from(
        { length: 4 + Math.floor(random() * 4) },
        () => words[Math.floor(random() * words.length)],
      ).join(' '),
    ),
    Quantity: column(() => String(Math.round(normal(random) * 4 + 6))),
    UnitPrice: column((i) => (i % 20 === 7 ? 'NA' : (Math.exp(normal(random)) * 3).toFixed(2))),
    InvoiceDate: column((i) => `12/${1 + (i % 28)}/2010 ${8 + (i % 10)}:${String(i % 60).padStart(2, '0')}`),
    Member: column(() => (random() < 0.3 ? 'yes' : 'no')),
    Returned: column(() => (random() < 0.1 ? '1' : '0')),
  });
}

const numbersOf = (values: readonly Value[]) => values.filter((v) => v !== 'NA').map((v) => Number(v));

function quantile7(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
}

describe('profile', () => {
  const table = shop(3_000);
  const p = profile(table);
  const col = (name: string) => p.columns.find((c) => c.name === name)!;

  test('infers each column type', () => {
    expect(Object.fromEntries(p.columns.map((c) => [c.name, c.type]))).toEqual({
      InvoiceNo: 'identifier',
      CustomerID: 'identifier',
      Country: 'category',
      Description: 'text',
      Quantity: 'integer',
      UnitPrice: 'number',
      InvoiceDate: 'datetime',
      Member: 'boolean',
      Returned: 'integer',
    });
  });

  test('numeric statistics match float64 computations', () => {
    const xs = numbersOf(table.column('UnitPrice'));
    const n = xs.length;
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    const sorted = [...xs].sort((a, b) => a - b);
    const c = col('UnitPrice');
    expect(c.count).toBe(3_000);
    expect(c.missing).toBe(150);
    expect(c.missingRate).toBeCloseTo(0.05, 12);
    expect(c.distinct).toBe(new Set(xs.map((x) => x.toFixed(2))).size);
    const numeric = c.numeric!;
    expect(numeric.count).toBe(n);
    expect(numeric.mean).toBeCloseTo(mean, 10);
    expect(numeric.std).toBeCloseTo(std, 10);
    expect(numeric.min).toBe(sorted[0]);
    expect(numeric.max).toBe(sorted[n - 1]);
    expect(numeric.exact).toBe(true);
    expect(numeric.sampleSize).toBe(n);
    const expected = { p1: 0.01, p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 };
    for (const [key, prob] of Object.entries(expected)) {
      expect(numeric.quantiles[key as keyof typeof expected]).toBeCloseTo(quantile7(sorted, prob), 10);
    }
    const width = (sorted[n - 1] - sorted[0]) / 20;
    const bins = new Array(20).fill(0);
    for (const x of xs) bins[Math.min(19, Math.floor((x - sorted[0]) / width))]++;
    expect(numeric.histogram.counts).toEqual(bins);
    expect(numeric.sketch.length).toBe(1_000);
    expect(numeric.sketch[0]).toBeGreaterThanOrEqual(sorted[0]);
  });

  test('zeros and negatives are counted', () => {
    const xs = numbersOf(table.column('Quantity'));
    const numeric = col('Quantity').numeric!;
    expect(numeric.zeros).toBe(xs.filter((x) => x === 0).length);
    expect(numeric.negatives).toBe(xs.filter((x) => x < 0).length);
    expect(numeric.negatives).toBeGreaterThan(0);
  });

  test('top values, frequencies and text lengths of string columns', () => {
    const countries = table.column('Country') as string[];
    const counts = new Map<string, number>();
    for (const c of countries) counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count);
    const c = col('Country');
    expect(c.frequencies).toEqual(expected);
    expect(c.top).toEqual(expected);
    expect(c.topApproximate).toBe(false);
    const lengths = countries.map((s) => s.length);
    expect(c.textLength!.min).toBe(Math.min(...lengths));
    expect(c.textLength!.max).toBe(Math.max(...lengths));
    expect(c.textLength!.mean).toBeCloseTo(lengths.reduce((s, x) => s + x, 0) / lengths.length, 10);
    expect(col('Description').top).toHaveLength(10);
    expect(col('Description').frequencies).toBeUndefined();
  });

  test('booleans and datetimes', () => {
    const members = table.column('Member');
    const yes = members.filter((m) => m === 'yes').length;
    expect(col('Member').booleans).toEqual({ true: yes, false: 3_000 - yes });
    expect(col('InvoiceDate').datetime).toEqual({
      min: '2010-12-01T08:00:00.000Z',
      max: '2010-12-28T17:59:00.000Z',
    });
  });

  test('declared types replace inference; values that do not read as them are invalid', () => {
    const t = new Table({
      Returned: ['1', '0', '0', 'maybe', null],
      price: ['1.5', 'abc', '2', '', '3'],
    });
    const q = profile(t, { types: { Returned: 'boolean' } });
    expect(q.columns[0]).toMatchObject({
      type: 'boolean',
      declared: true,
      invalid: 1,
      booleans: { true: 1, false: 2 },
    });
    expect(q.columns[1]).toMatchObject({ type: 'category', declared: false, invalid: 0 });
    const many = new Table({
      price: Array.from({ length: 200 }, (_, i) => (i === 5 ? 'unknown' : `${i}.5`)),
    });
    expect(profile(many).columns[0]).toMatchObject({ type: 'number', invalid: 1 });
  });

  test('identifier and category rules', () => {
    const n = 100;
    const t = new Table({
      code: Array.from({ length: n }, (_, i) => `A${i}`),
      user_id: Array.from({ length: n }, (_, i) => i % 30),
      rating: Array.from({ length: n }, (_, i) => i % 30),
      size: Array.from({ length: n }, (_, i) => ['S', 'M', 'L'][i % 3]),
      empty: Array.from({ length: n }, () => null),
    });
    const types = profile(t).columns.map((c) => c.type);
    expect(types).toEqual(['identifier', 'identifier', 'integer', 'category', 'text']);
    expect(looksLikeIdName('CustomerID')).toBe(true);
    expect(looksLikeIdName('StockCode')).toBe(true);
    expect(looksLikeIdName('InvoiceNo')).toBe(true);
    expect(looksLikeIdName('order_id')).toBe(true);
    expect(looksLikeIdName('Idle')).toBe(false);
    expect(looksLikeIdName('Quantity')).toBe(false);
  });

  test('typed values from JSON and SQL are profiled like strings', () => {
    const t = new Table({
      x: [1, 2.5, null, Number.NaN, -3],
      when: [new Date(0), null, null, null, new Date(1000)],
    });
    const q = profile(t);
    expect(q.columns[0]).toMatchObject({
      type: 'number',
      missing: 2,
      numeric: { min: -3, max: 2.5, negatives: 1 },
    });
    expect(q.columns[1]).toMatchObject({
      type: 'datetime',
      datetime: { min: '1970-01-01T00:00:00.000Z', max: '1970-01-01T00:00:01.000Z' },
    });
  });

  test('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  test('an empty table has no rows', () => {
    const q = profile(new Table({ a: [] }));
    expect(q.rows).toBe(0);
    expect(q.columns[0]).toMatchObject({ count: 0, missing: 0, missingRate: 0, distinct: 0, type: 'text' });
  });
});

describe('streaming', () => {
  const table = shop(5_000, 2);
  const options = { sampleSize: 700, exactDistinctLimit: 1_500, seed: 4 };

  function chunks(sizes: number[]): Table[] {
    const out: Table[] = [];
    let start = 0;
    for (const size of sizes) {
      out.push(table.take(Array.from({ length: size }, (_, i) => start + i)));
      start += size;
    }
    return out;
  }

  test('chunks give the same profile as one table, sampling and HyperLogLog included', async () => {
    const whole = await profileTable(table, options);
    expect(whole.columns.find((c) => c.name === 'UnitPrice')!.numeric!.exact).toBe(false);
    expect(whole.columns.find((c) => c.name === 'InvoiceNo')!.distinctApproximate).toBe(true);
    async function* stream() {
      for (const chunk of chunks([1, 999, 2_500, 1_500])) yield chunk;
    }
    expect(await profileTable(stream(), options)).toEqual(whole);
    expect(await profileTable(chunks([2_500, 2_500]), options)).toEqual(whole);
  });

  test('a different seed gives a different sample', async () => {
    const a = await profileTable(table, options);
    const b = await profileTable(table, { ...options, seed: 5 });
    const sketch = (q: typeof a) => q.columns.find((c) => c.name === 'UnitPrice')!.numeric!.sketch;
    expect(sketch(a)).not.toEqual(sketch(b));
  });

  test('a chunk with other columns is an error naming it', async () => {
    const bad = [table.select(['Country', 'Quantity']), table.select(['Country'])];
    await expect(profileTable(bad)).rejects.toThrow(ValueError);
    await expect(profileTable(bad)).rejects.toThrow(
      /chunk 2 has columns \[Country\], expected \[Country, Quantity\]/,
    );
  });

  test('no chunks give an empty profile', async () => {
    expect(await profileTable([])).toMatchObject({ rows: 0, columns: [] });
  });
});

describe('formatProfile', () => {
  test('one fixed-width row per column with its type and summary', () => {
    const text = formatProfile(profile(shop(500)));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Profile: 500 rows, 9 columns');
    expect(lines[1]).toMatch(/^column\s+type\s+missing\s+distinct\s+min\s+mean\s+max \/ top value$/);
    expect(lines).toHaveLength(3 + 9);
    expect(lines.find((l) => l.startsWith('UnitPrice'))).toMatch(/UnitPrice\s+number\s+5\.0%/);
    expect(lines.find((l) => l.startsWith('Country'))).toMatch(
      /category\s+0\.0%\s+5\s+United Kingdom \(\d+\)$/,
    );
    expect(lines.find((l) => l.startsWith('InvoiceDate'))).toMatch(
      /2010-12-01 08:00:00\s+2010-12-28 17:\d\d:00$/,
    );
    // The type column starts at the same place on every row.
    const typeAt = lines[1].indexOf('type');
    for (const line of lines.slice(3)) expect(line.slice(typeAt, typeAt + 1)).toMatch(/[a-z]/);
  });
});
