import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parsePipelineConfig } from '../../src/pipeline/config.js';
import { flattenParams } from '../../src/pipeline/params.js';
import { prepare } from '../../src/pipeline/prepare.js';
import { readSource } from '../../src/pipeline/source.js';
import { errorOf } from './config-error.js';

// How a pipeline file reads files that do not explain themselves (no extension, no header, bare
// quotes) and a dataset's official test split given as its own file.

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deepline-table-source-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const messages = (n: number, offset = 0) =>
  Array.from(
    { length: n },
    (_, i) => `${(i + offset) % 4 === 0 ? 'spam' : 'ham'}\tmessage "${i + offset}" here\n`,
  ).join('');

describe('data: format, columns, header, quote', () => {
  test('read a tab-separated file with no extension and no header, bare quotes as text', async () => {
    const dir = folder({ Collection: messages(20) });
    const config = parsePipelineConfig(
      'name: sms\ndata:\n  source: Collection\n  format: tsv\n  columns: [label, text]\n  quote: ""\n  label: label\n',
    );
    const source = await readSource(config.data, dir);
    if (source.kind !== 'table') throw new Error('expected a table');
    expect(source.table.columnNames).toEqual(['label', 'text']);
    expect(source.table.numRows).toBe(20);
    expect(source.table.column('text')[3]).toBe('message "3" here');
    expect(source.test).toBeUndefined();
  });

  test('without a format, a file with no extension is an error naming the formats', async () => {
    const dir = folder({ Collection: messages(4) });
    const config = parsePipelineConfig('name: sms\ndata:\n  source: Collection\n  label: column_1\n');
    await expect(readSource(config.data, dir)).rejects.toThrow(/Collection.*\.csv, \.tsv/);
  });

  test('an unknown format is named with the line and the formats there are', () => {
    expect(errorOf('name: x\ndata:\n  source: a\n  format: xlsx\n  label: y\n')).toMatch(
      /p\.yaml:4: data\.format: .*"csv"/,
    );
  });
});

describe('data.test: the official test split as its own file', () => {
  const pipeline = `name: sms
data:
  source: train.tsv
  test: test.tsv
  columns: [label, text]
  quote: ""
  label: label
  split: { validation: 0.25, seed: 1 }
features:
  text: { kind: text, output: multiHot }
`;

  test('is the test set as given; the source only gives up validation rows', async () => {
    const dir = folder({ 'train.tsv': messages(40), 'test.tsv': messages(12, 100) });
    const config = parsePipelineConfig(pipeline);
    const source = await readSource(config.data, dir);
    if (source.kind !== 'table') throw new Error('expected a table');
    expect(source.test!.numRows).toBe(12);
    const prepared = prepare(source, config);
    expect(prepared.split).toEqual({ train: 30, validation: 10, test: 12 });
    expect(prepared.rows).toMatchObject({ input: 52, kept: 52 });
    expect(prepared.testTable!.column('text')[0]).toBe('message "100" here');
    // Each file's first N rows with data.limit.
    const limited = await readSource({ ...config.data, limit: 8 }, dir);
    if (limited.kind !== 'table') throw new Error('expected a table');
    expect([limited.table.numRows, limited.test!.numRows]).toEqual([8, 8]);
    expect(limited.fingerprint).not.toBe(source.fingerprint);
    // The run records the test file, not the split.test default it did not use.
    const params = flattenParams(config);
    expect(params['data.test']).toBe('test.tsv');
    expect(params).not.toHaveProperty(['data.split.test']);
    expect(params['data.split.validation']).toBe(0.25);
  });

  test('a missing test file is an error under its key, naming the path', async () => {
    const dir = folder({ 'train.tsv': messages(8) });
    await expect(readSource(parsePipelineConfig(pipeline).data, dir)).rejects.toThrow(
      /^data\.test: \S*test\.tsv: no such file or folder$/,
    );
  });

  test('split.test beside it, or a test file for mnist, is refused with its line', () => {
    expect(errorOf(pipeline.replace('{ validation: 0.25', '{ test: 0.2, validation: 0.25'))).toContain(
      'p.yaml:8: data.split.test: the test rows come from data.test; remove split.test',
    );
    expect(errorOf('name: m\ndata:\n  source: mnist\n  test: t.csv\n')).toContain(
      "p.yaml:4: data.test: data.test is a table's test file; images take their test split",
    );
  });
});
