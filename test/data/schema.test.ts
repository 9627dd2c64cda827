import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { profile } from '../../src/data/profile.js';
import {
  inferSchema,
  loadSchema,
  parseSchema,
  type Schema,
  saveSchema,
  schemaTypes,
} from '../../src/data/schema.js';
import { seededRandom } from '../../src/data/sketch.js';
import { Table } from '../../src/data/table.js';
import { ValueError } from '../../src/tensor/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'deepline-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function training(n = 2_000): Table {
  const random = seededRandom(8);
  return new Table({
    country: Array.from({ length: n }, (_, i) => ['UK', 'France', 'Spain'][i % 4 === 3 ? 2 : i % 2]),
    price: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? '' : (10 + random() * 90).toFixed(2))),
    quantity: Array.from({ length: n }, () => String(1 + Math.floor(random() * 12))),
    date: Array.from({ length: n }, (_, i) => `2011-0${1 + (i % 9)}-15`),
    member: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 'true' : 'false')),
    note: Array.from({ length: n }, (_, i) => `note ${i}`),
  });
}

describe('inferSchema', () => {
  const p = profile(training());
  const schema = inferSchema(p);
  const col = (name: string) => schema.columns.find((c) => c.name === name)!;

  test('types, presence and invalid rates come from the profile', () => {
    expect(schema).toMatchObject({ format: 'deepline-schema', version: 1, rows: 2_000 });
    expect(schema.columns.map((c) => [c.name, c.type, c.required])).toEqual([
      ['country', 'category', true],
      ['price', 'number', false],
      ['quantity', 'integer', true],
      ['date', 'datetime', true],
      ['member', 'boolean', true],
      ['note', 'identifier', true],
    ]);
    expect(col('price').maxMissingRate).toBeCloseTo(0.1, 12);
    expect(col('quantity').invalidRate).toBe(0);
    expect(schemaTypes(schema)).toEqual({
      country: 'category',
      price: 'number',
      quantity: 'integer',
      date: 'datetime',
      member: 'boolean',
      note: 'identifier',
    });
  });

  test('domains: numeric range, allowed categories, datetime range', () => {
    const price = p.columns[1].numeric!;
    expect(col('price').domain).toEqual({ kind: 'numeric', min: price.min, max: price.max });
    expect(col('quantity').domain).toEqual({ kind: 'numeric', min: 1, max: 12 });
    expect(col('country').domain).toEqual({ kind: 'category', values: ['UK', 'France', 'Spain'] });
    expect(col('date').domain).toEqual({
      kind: 'datetime',
      min: '2011-01-15T00:00:00.000Z',
      max: '2011-09-15T00:00:00.000Z',
    });
    expect(col('note').domain).toBeUndefined();
  });

  test('slack widens numeric domains, rounding integers outward', () => {
    const wide = inferSchema(p, { slack: 0.1 });
    const price = p.columns[1].numeric!;
    const span = price.max - price.min;
    const at = (name: string) => wide.columns.find((c) => c.name === name)!.domain;
    expect(at('price')).toEqual({
      kind: 'numeric',
      min: price.min - 0.1 * span,
      max: price.max + 0.1 * span,
    });
    // [1, 12] ± 1.1 → [−0.1, 13.1] → [−1, 14]
    expect(at('quantity')).toEqual({ kind: 'numeric', min: -1, max: 14 });
    expect(() => inferSchema(p, { slack: -1 })).toThrow(/slack is -1/);
  });

  test('distributions for drift: category counts and a sorted numeric sketch', () => {
    expect(col('country').distribution).toEqual({
      kind: 'categorical',
      count: 2_000,
      frequencies: [
        { value: 'UK', count: 1_000 },
        { value: 'France', count: 500 },
        { value: 'Spain', count: 500 },
      ],
    });
    expect(col('member').distribution).toEqual({
      kind: 'categorical',
      count: 2_000,
      frequencies: [
        { value: 'false', count: 1_600 },
        { value: 'true', count: 400 },
      ],
    });
    const price = col('price').distribution;
    expect(price?.kind).toBe('numeric');
    if (price?.kind !== 'numeric') return;
    expect(price.count).toBe(1_800);
    expect(price.sketch).toHaveLength(1_000);
    expect(price.sketch.every((x, i) => i === 0 || x >= price.sketch[i - 1])).toBe(true);
  });
});

describe('saveSchema and loadSchema', () => {
  const schema = inferSchema(profile(training()), { slack: 0.05 });

  test('round trip', async () => {
    const path = join(dir, 'nested', 'schema.json');
    await saveSchema(schema, path);
    expect(await loadSchema(path)).toEqual(schema);
  });

  async function loadEdited(name: string, edit: (json: Record<string, unknown>) => void): Promise<Schema> {
    const path = join(dir, `${name}.json`);
    const json = JSON.parse(JSON.stringify(schema));
    edit(json);
    writeFileSync(path, JSON.stringify(json));
    return loadSchema(path);
  }

  test('a truncated file is an error naming it', async () => {
    const path = join(dir, 'truncated.json');
    await saveSchema(schema, path);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 500));
    await expect(loadSchema(path)).rejects.toThrow(ValueError);
    await expect(loadSchema(path)).rejects.toThrow(`loadSchema: ${path} is not valid JSON`);
  });

  test.each<[string, (json: Record<string, unknown>) => void, RegExp]>([
    ['format', (j) => (j.format = 'something'), /: format is "something", expected 'deepline-schema'/],
    [
      'version',
      (j) => (j.version = 2),
      /version is 2, expected 1 \(the file was written by a newer Deepline/,
    ],
    ['no columns', (j) => delete j.columns, /columns is missing, expected an array/],
    [
      'type',
      (j) => ((j.columns as { type: string }[])[1].type = 'float'),
      /columns\[1\]\.type is "float", expected one of 'number'/,
    ],
    [
      'rate',
      (j) => ((j.columns as { maxMissingRate: number }[])[0].maxMissingRate = 1.5),
      /columns\[0\]\.maxMissingRate is 1\.5, expected a rate/,
    ],
    [
      'duplicate',
      (j) => ((j.columns as { name: string }[])[1].name = 'country'),
      /columns\[1\]\.name is "country", expected a name not used/,
    ],
    [
      'domain',
      (j) => ((j.columns as { domain: { min: number } }[])[1].domain.min = 1e9),
      /columns\[1\]\.domain\.max is [\d.]+, expected a number ≥ min \(1000000000\)/,
    ],
    [
      'sketch',
      (j) => ((j.columns as { distribution: { sketch: number[] } }[])[1].distribution.sketch[3] = -1),
      /columns\[1\]\.distribution\.sketch\[3\] is -1, expected a number ≥ the one before \([\d.]+\); the sketch is sorted/,
    ],
    [
      'frequency',
      (j) =>
        ((j.columns as { distribution: { frequencies: unknown[] } }[])[0].distribution.frequencies[0] = 'UK'),
      /columns\[0\]\.distribution\.frequencies\[0\] is "UK", expected an object/,
    ],
    [
      'read',
      (j) => ((j.read as { dateOrder: string }).dateOrder = 'ymd'),
      /read\.dateOrder is "ymd", expected one of 'mdy', 'dmy'/,
    ],
  ])('a corrupted field (%s) is an error naming the field', async (name, edit, message) => {
    await expect(loadEdited(name, edit)).rejects.toThrow(message);
  });

  test('parseSchema checks in-memory objects too', () => {
    expect(parseSchema(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
    expect(() => parseSchema([], 'inline')).toThrow('loadSchema: inline: the file is [], expected an object');
  });
});
