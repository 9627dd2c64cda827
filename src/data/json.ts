import { createInterface } from 'node:readline';
import { ChunkBuilder, checkChunkRows, concatGrowing } from './read-chunks.js';
import { DataError, readMessages } from './read-errors.js';
import { openText } from './read-source.js';
import type { Quarantine } from './report.js';
import type { Table, Value } from './table.js';

export { DataError } from './read-errors.js';

export interface JsonOptions {
  /** The property of the top-level object that holds the records (readJson only). */
  key?: string;
  /** Where records that are not objects (and, in JSON Lines, lines that do not parse) go. */
  quarantine?: Quarantine;
  /** Any label TextDecoder knows. Default 'utf-8'. */
  encoding?: string;
  /** Rows per chunk for readJsonLinesChunks. Default 50,000. */
  chunkRows?: number;
  /** Read a JSON Lines file with no records as a table with no rows instead of failing. */
  allowEmpty?: boolean;
}

/**
 * Reads a JSON file (gzipped or not) holding an array of objects, or an object with one array
 * property such as `{"data": [...]}`. Columns appear in the order keys are first seen; a missing
 * key is null; a nested object or array becomes its JSON text. The whole file is parsed at once;
 * for large data use JSON Lines. Each row's origin line is its record's 1-based position in the
 * array (JSON.parse does not report where a value sits).
 */
export async function readJson(path: string, options: JsonOptions = {}): Promise<Table> {
  let text = '';
  for await (const piece of await openText(path, options.encoding)) text += piece;
  if (text.trim() === '') throw new DataError(readMessages.empty(path));
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw new DataError(readMessages.badJson(path, where(text, reason), reason), { cause: error });
  }
  const records = recordsOf(document, path, options.key);
  const builder = new ChunkBuilder([]);
  const columns = new Map<string, number>();
  records.forEach((record, i) => {
    const origin = { source: path, line: i + 1 };
    const values = rowOf(record, builder, columns);
    if (values === undefined) setAside(path, `record ${i + 1}`, origin, record, record, options.quarantine);
    else builder.push(values, origin);
  });
  return builder.take();
}

/** Reads a whole JSON Lines file (`.jsonl`, `.ndjson`, gzipped or not): one object per line. */
export async function readJsonLines(path: string, options: JsonOptions = {}): Promise<Table> {
  const chunks: Table[] = [];
  for await (const chunk of readJsonLinesChunks(path, options)) chunks.push(chunk);
  return concatGrowing(chunks);
}

/**
 * Streams a JSON Lines file as Tables of at most `chunkRows` rows; each row's origin is its line.
 * Blank lines are skipped. A line that does not parse, or holds something other than an object,
 * goes to the quarantine with the reason, or is an error without one. A chunk has every column
 * seen so far (earlier rows get null), so columns only grow from one chunk to the next.
 */
export async function* readJsonLinesChunks(path: string, options: JsonOptions = {}): AsyncGenerator<Table> {
  const chunkRows = checkChunkRows('readJsonLines', options.chunkRows);
  const text = await openText(path, options.encoding);
  const lines = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
  const builder = new ChunkBuilder([]);
  const columns = new Map<string, number>();
  let lineNumber = 0;
  let records = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      records++;
      const origin = { source: path, line: lineNumber };
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        const reason = (error as Error).message;
        if (options.quarantine === undefined) {
          throw new DataError(readMessages.badJson(path, `line ${lineNumber}`, reason), { cause: error });
        }
        options.quarantine.add({
          ...origin,
          step: 'read',
          reason: readMessages.invalidJson(reason),
          raw: line,
        });
        continue;
      }
      const values = rowOf(record, builder, columns);
      if (values === undefined)
        setAside(path, `line ${lineNumber}`, origin, record, line, options.quarantine);
      else builder.push(values, origin);
      if (builder.size >= chunkRows) yield builder.take();
    }
  } finally {
    lines.close();
    text.destroy();
  }
  if (builder.size > 0) yield builder.take();
  else if (records === 0) {
    if (!options.allowEmpty) throw new DataError(readMessages.empty(path));
    yield builder.take();
  }
}

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

function recordsOf(document: unknown, path: string, key: string | undefined): unknown[] {
  if (Array.isArray(document)) return document;
  if (document === null || typeof document !== 'object')
    throw new DataError(readMessages.jsonShape(path, kindOf(document)));
  const arrays = Object.entries(document).filter(([, v]) => Array.isArray(v));
  const keys = arrays.map(([k]) => k);
  if (key !== undefined) {
    const found = arrays.find(([k]) => k === key);
    if (found === undefined) throw new DataError(readMessages.jsonKey(path, key, keys));
    return found[1] as unknown[];
  }
  if (arrays.length !== 1) throw new DataError(readMessages.jsonKeys(path, keys));
  return arrays[0][1] as unknown[];
}

/** The record's values in the builder's column order (adding new columns), or undefined if it is no object. */
function rowOf(record: unknown, builder: ChunkBuilder, columns: Map<string, number>): Value[] | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const values = new Array<Value>(builder.names.length).fill(null);
  for (const [name, value] of Object.entries(record)) {
    let c = columns.get(name);
    if (c === undefined) {
      c = builder.addColumn(name);
      columns.set(name, c);
      values.push(null);
    }
    values[c] = flat(value);
  }
  return values;
}

function flat(value: unknown): Value {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  return JSON.stringify(value);
}

function setAside(
  path: string,
  place: string,
  origin: { source: string; line: number },
  record: unknown,
  raw: unknown,
  quarantine: Quarantine | undefined,
): void {
  if (quarantine === undefined) throw new DataError(readMessages.notRecordError(path, place, kindOf(record)));
  quarantine.add({ ...origin, step: 'read', reason: readMessages.notRecord(kindOf(record)), raw });
}

/** 'line L, column C' from the character position JSON.parse names, where it names one. */
function where(text: string, reason: string): string {
  const position = /position (\d+)/.exec(reason);
  if (position === null) return 'the document';
  const at = Number(position[1]);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${at - lineStart + 1}`;
}
