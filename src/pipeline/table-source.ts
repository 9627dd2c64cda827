import { isAbsolute, resolve } from 'node:path';
import { type ReadOptions, readTable } from '../data/read.js';
import { DataError } from '../data/read-errors.js';
import type { Table } from '../data/table.js';
import type { PipelineConfig } from './config.js';

/** The data section of a table: its source is a file (an IDX pair is read as images). */
type DataConfig = PipelineConfig['data'] & { source: string };

/** The `data` keys that say how to read a file, as readTable takes them. */
export function readOptionsOf(data: DataConfig): ReadOptions {
  return {
    ...(data.format !== undefined && { format: data.format }),
    ...(data.delimiter !== undefined && { delimiter: data.delimiter }),
    ...(data.header !== undefined && { header: data.header }),
    ...(data.columns !== undefined && { columns: data.columns }),
    ...(data.quote !== undefined && { quote: data.quote }),
    ...(data.missing !== undefined && { missing: data.missing }),
    ...(data.query !== undefined && { query: data.query }),
  };
}

/**
 * `data.source` or `data.test` (relative to the pipeline file's folder), read with the same
 * options, the first `data.limit` rows of each kept. A test file that cannot be read says so
 * under its key, since the source's own errors name only a path.
 */
export async function readTableFile(
  data: DataConfig,
  baseDir: string,
  key: 'source' | 'test',
): Promise<{ path: string; table: Table }> {
  const file = data[key]!;
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  let table: Table;
  try {
    table = await readTable(path, readOptionsOf(data));
  } catch (e) {
    if (key === 'test' && e instanceof DataError) throw new DataError(`data.test: ${e.message}`);
    throw e;
  }
  if (data.limit !== undefined && data.limit < table.numRows)
    table = table.take(Array.from({ length: data.limit }, (_, i) => i));
  return { path, table };
}
