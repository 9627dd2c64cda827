import { describe, expect, test } from 'vitest';
import { profile } from '../../src/data/profile.js';
import { inferSchema, type Schema, schemaTypes } from '../../src/data/schema.js';
import { seededRandom } from '../../src/data/sketch.js';
import { Table, type Value } from '../../src/data/table.js';
import { type Anomaly, type AnomalyKind, formatAnomalies, validate } from '../../src/data/validate.js';

interface Shape {
  countries?: number[];
  memberRate?: number;
  /** Maps a uniform draw in [0, 1) to the price's position in [1, 100]. */
  price?: (u: number) => number;
  quantityWeights?: number[];
}

const COUNTRIES = ['United Kingdom', 'France', 'Germany', 'EIRE'];

/** Orders as a CSV reader gives them; every column's distribution is set by `shape`. */
function orders(n: number, seed: number, shape: Shape = {}): Table {
  const random = seededRandom(seed);
  const pick = (weights: number[]) => {
    const total = weights.reduce((s, w) => s + w, 0);
    let u = random() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  };
  const column = (f: (i: number) => Value) => Array.from({ length: n }, (_, i) => f(i));
  return new Table(
    {
      customer_id: column(() => `C${Math.floor(random() * 1e9)}`),
      country: column(() => COUNTRIES[pick(shape.countries ?? [5, 2, 2, 1])]),
      price: column(() =>
        random() < 0.05 ? '' : (1 + 99 * (shape.price ?? ((u) => u))(random())).toFixed(2),
      ),
      quantity: column(() => String(1 + pick(shape.quantityWeights ?? new Array(12).fill(1)))),
      date: column(() => `${1 + Math.floor(random() * 12)}/${1 + Math.floor(random() * 28)}/2011 10:30`),
      member: column(() => (random() < (shape.memberRate ?? 0.3) ? 'yes' : 'no')),
    },
    Array.from({ length: n }, (_, i) => ({ source: 'orders.csv', line: i + 2 })),
  );
}

// Slack: a continuous column's next sample reaches past the training extremes about half the time.
const schema: Schema = inferSchema(profile(orders(5_000, 1)), { slack: 0.05 });
const serving = orders(3_000, 2);

const kinds = (anomalies: Anomaly[]) => anomalies.map((a) => `${a.kind}:${a.column}`).sort();

function replace(table: Table, name: string, f: (value: Value, i: number) => Value): Table {
  return table.withColumn(name, table.column(name).map(f));
}

describe('validate', () => {
  test('the schema has the expected types', () => {
    expect(schemaTypes(schema)).toEqual({
      customer_id: 'identifier',
      country: 'category',
      price: 'number',
      quantity: 'integer',
      date: 'datetime',
      member: 'boolean',
    });
  });

  test('clean data from the same distribution has no anomaly, drift included', async () => {
    const result = await validate(serving, schema);
    expect(result.anomalies).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.rows).toBe(3_000);
    // A second independent sample, and the profile paths, agree.
    expect((await validate(orders(10_000, 3), schema)).anomalies).toEqual([]);
    expect((await validate(profile(serving, { types: schemaTypes(schema) }), schema)).anomalies).toEqual([]);
    expect((await validate(profile(serving), schema)).anomalies).toEqual([]);
  });

  test('a missing column is an error', async () => {
    const result = await validate(serving.drop(['quantity']), schema);
    expect(kinds(result.anomalies)).toEqual(['missingColumn:quantity']);
    expect(result.anomalies[0]).toMatchObject({ severity: 'error', details: { expectedType: 'integer' } });
    expect(result.ok).toBe(false);
  });

  test('an unexpected column is a warning', async () => {
    const result = await validate(
      serving.withColumn(
        'coupon',
        serving.column('member').map((_, i) => `X${i % 4}`),
      ),
      schema,
    );
    expect(kinds(result.anomalies)).toEqual(['unexpectedColumn:coupon']);
    expect(result.anomalies[0]).toMatchObject({ severity: 'warning', details: { inferredType: 'category' } });
    expect(result.ok).toBe(true);
  });

  test('values that do not read as the schema type, with examples and their lines', async () => {
    const bad = replace(serving, 'quantity', (v, i) => (i % 20 === 3 ? 'many' : v));
    const result = await validate(bad, schema);
    expect(kinds(result.anomalies)).toEqual(['wrongType:quantity']);
    const anomaly = result.anomalies[0];
    expect(anomaly.severity).toBe('error');
    expect(anomaly.details).toMatchObject({
      expectedType: 'integer',
      invalid: 150,
      nonMissing: 3_000,
      share: 0.05,
    });
    if (anomaly.kind !== 'wrongType') throw new Error('unreachable');
    expect(anomaly.details.examples).toHaveLength(5);
    expect(anomaly.details.examples[0]).toEqual({ value: 'many', origin: { source: 'orders.csv', line: 5 } });
    expect(anomaly.description).toContain("'many' (orders.csv:5)");
    // Decimals in an integer column are also the wrong type; a few strays stay under the threshold.
    const decimals = replace(serving, 'quantity', (v, i) => (i < 100 ? '2.5' : v));
    expect(kinds((await validate(decimals, schema)).anomalies)).toEqual(['wrongType:quantity']);
    const few = replace(serving, 'quantity', (v, i) => (i < 20 ? 'many' : v));
    expect((await validate(few, schema)).anomalies).toEqual([]);
  });

  test('numbers outside the domain are counted, with examples', async () => {
    const bad = replace(serving, 'price', (v, i) => (i % 100 === 0 ? '1000' : i % 100 === 1 ? '-10' : v));
    const result = await validate(bad, schema);
    expect(kinds(result.anomalies)).toEqual(['outOfDomain:price']);
    const anomaly = result.anomalies[0];
    if (anomaly.kind !== 'outOfDomain') throw new Error('unreachable');
    expect(anomaly.details).toMatchObject({ below: 30, above: 30, approximate: false });
    expect(anomaly.details.examples.slice(0, 2)).toEqual([
      { value: '1000', origin: { source: 'orders.csv', line: 2 } },
      { value: '-10', origin: { source: 'orders.csv', line: 3 } },
    ]);
    expect(anomaly.severity).toBe('warning');
  });

  test('categories not seen in training', async () => {
    const bad = replace(serving, 'country', (v, i) => (i % 100 === 0 ? 'Narnia' : i % 100 === 1 ? 'Oz' : v));
    const result = await validate(bad, schema);
    expect(kinds(result.anomalies)).toEqual(['unseenCategory:country']);
    expect(result.anomalies[0].details).toMatchObject({
      count: 60,
      distinct: 2,
      share: 0.02,
      approximate: false,
    });
    expect(result.anomalies[0].description).toContain("'Narnia'");
  });

  test('a missing-rate jump is a warning, any missing value in a required column an error', async () => {
    const sparse = replace(serving, 'price', (v, i) => (i % 5 === 0 ? 'NA' : v));
    const result = await validate(sparse, schema);
    expect(kinds(result.anomalies)).toEqual(['missingRateJump:price']);
    expect(result.anomalies[0]).toMatchObject({
      severity: 'warning',
      details: { required: false, threshold: 0.05 },
    });
    expect(result.anomalies[0].details).toHaveProperty('rate');

    const holes = replace(serving, 'member', (v, i) => (i === 7 ? null : v));
    const required = await validate(holes, schema);
    expect(kinds(required.anomalies)).toEqual(['missingRateJump:member']);
    expect(required.anomalies[0]).toMatchObject({
      severity: 'error',
      details: { required: true, missing: 1 },
    });
    expect(required.ok).toBe(false);
  });

  test('drift: PSI for categories and booleans, KS for numbers and integers', async () => {
    const shifted = orders(3_000, 4, {
      countries: [2, 2, 2, 4],
      memberRate: 0.7,
      price: (u) => u * u,
      quantityWeights: [6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1],
    });
    const result = await validate(shifted, schema);
    expect(kinds(result.anomalies)).toEqual([
      'drift:country',
      'drift:member',
      'drift:price',
      'drift:quantity',
    ]);
    const byColumn = new Map(result.anomalies.map((a) => [a.column, a]));
    expect(byColumn.get('country')!.details).toMatchObject({ test: 'psi', threshold: 0.2, epsilon: 1e-4 });
    expect(byColumn.get('price')!.details).toMatchObject({ test: 'ks', alpha: 0.05 });
    const price = byColumn.get('price')!.details as { statistic: number; pValue: number; n2: number };
    // u against u²: the CDFs x and √x are furthest apart at x = 1/4, by 1/4.
    expect(price.statistic).toBeGreaterThan(0.2);
    expect(price.statistic).toBeLessThan(0.3);
    expect(price.pValue).toBeLessThan(1e-6);
    expect(price.n2).toBeGreaterThan(2_700);
    expect(result.ok).toBe(true);

    // One shift at a time: the other columns stay quiet.
    expect(kinds((await validate(orders(3_000, 5, { memberRate: 0.7 }), schema)).anomalies)).toEqual([
      'drift:member',
    ]);
  });

  test('a fixed KS threshold replaces the p-value, and drift can be turned off', async () => {
    const skewed = orders(3_000, 6, { price: (u) => u * u });
    expect(kinds((await validate(skewed, schema, { ksThreshold: 0.2 })).anomalies)).toEqual(['drift:price']);
    expect((await validate(skewed, schema, { ksThreshold: 0.3 })).anomalies).toEqual([]);
    expect((await validate(skewed, schema, { drift: false })).anomalies).toEqual([]);
  });

  test('datetime ranges are checked only when asked', async () => {
    const later = replace(serving, 'date', (v, i) => (i < 10 ? '3/1/2012 09:00' : v));
    expect((await validate(later, schema)).anomalies).toEqual([]);
    const result = await validate(later, schema, { datetimeRange: true });
    expect(kinds(result.anomalies)).toEqual(['outOfDomain:date']);
    expect(result.anomalies[0].details).toMatchObject({ above: 10, below: 0 });
  });

  test('severities can be changed per kind', async () => {
    const extra = serving.withColumn('coupon', serving.column('member'));
    const result = await validate(extra, schema, { severity: { unexpectedColumn: 'error' } });
    expect(result.anomalies[0].severity).toBe('error');
    expect(result.ok).toBe(false);
    const holes = replace(serving, 'member', (v, i) => (i === 7 ? null : v));
    const relaxed = await validate(holes, schema, { severity: { missingRateJump: 'warning' } });
    expect(relaxed.anomalies[0].severity).toBe('warning');
  });

  test('a stream of chunks gives the same result as one table', async () => {
    const bad = replace(serving, 'country', (v, i) => (i % 100 === 0 ? 'Narnia' : v));
    async function* chunks() {
      for (let start = 0; start < bad.numRows; start += 700) {
        yield bad.take(Array.from({ length: Math.min(700, bad.numRows - start) }, (_, i) => start + i));
      }
    }
    const whole = await validate(bad, schema);
    const streamed = await validate(chunks(), schema);
    expect(streamed).toEqual(whole);
    expect(kinds(streamed.anomalies)).toEqual(['unseenCategory:country']);
  });

  test('a profile is enough to find anomalies, with estimated counts', async () => {
    const bad = replace(
      replace(serving, 'price', (v, i) => (i % 100 === 0 ? '1000' : v)),
      'country',
      (v, i) => (i % 50 === 0 ? 'Narnia' : v),
    );
    const result = await validate(profile(bad, { types: schemaTypes(schema) }), schema);
    expect(kinds(result.anomalies)).toEqual(['outOfDomain:price', 'unseenCategory:country']);
    const domain = result.anomalies.find((a) => a.kind === 'outOfDomain')!;
    expect(domain.details).toMatchObject({ below: 0, approximate: true, examples: [{ value: 1000 }] });
    const above = (domain.details as { above: number }).above;
    expect(Math.abs(above - 30)).toBeLessThanOrEqual(5);
    expect(result.anomalies.find((a) => a.kind === 'unseenCategory')!.details).toMatchObject({
      count: 60,
      approximate: false,
    });
  });
});

describe('formatAnomalies', () => {
  test('a summary line, then one line per anomaly with errors first', async () => {
    const bad = replace(serving.drop(['date']), 'country', (v, i) => (i % 100 === 0 ? 'Narnia' : v));
    const text = formatAnomalies(await validate(bad, schema));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Validation of 3,000 rows: 1 error, 1 warning');
    expect(lines[1]).toMatch(
      /^ {2}error +date +missingColumn +column 'date' \(datetime\) is missing from the data$/,
    );
    expect(lines[2]).toMatch(
      /^ {2}warning +country +unseenCategory +30 values of 'country' \(1\.0%\) in 1 categories/,
    );
  });

  test('clean data says so', async () => {
    expect(formatAnomalies(await validate(serving, schema))).toBe('Validation of 3,000 rows: no anomalies');
  });

  test('every kind has a description', async () => {
    const seen = new Set<AnomalyKind>();
    const bad = replace(
      replace(
        replace(orders(3_000, 7, { memberRate: 0.9 }).drop(['date']), 'quantity', (v, i) =>
          i % 10 === 0 ? 'x' : v,
        ),
        'price',
        (v, i) => (i % 3 === 0 ? '' : i % 50 === 1 ? '999' : v),
      ),
      'country',
      (v, i) => (i % 40 === 0 ? 'Oz' : v),
    ).withColumn('extra', serving.column('member'));
    const result = await validate(bad, schema);
    for (const a of result.anomalies) {
      seen.add(a.kind);
      expect(a.description.length).toBeGreaterThan(20);
    }
    expect([...seen].sort()).toEqual([
      'drift',
      'missingColumn',
      'missingRateJump',
      'outOfDomain',
      'unexpectedColumn',
      'unseenCategory',
      'wrongType',
    ]);
    expect(JSON.parse(JSON.stringify(result.anomalies))).toEqual(result.anomalies);
  });
});
