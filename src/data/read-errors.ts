import { ValueError } from '../tensor/errors.js';

/**
 * A file or database that cannot be read as asked: malformed, truncated, empty, or missing.
 * The message starts with the path and names the line (and field) where that is known.
 */
export class DataError extends ValueError {
  override name = 'DataError';
}

const mib = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;

/** Every message the readers raise, in one place so that tests can assert against them. */
export const readMessages = {
  missing: (path: string) => `${path}: no such file or folder`,
  unreadable: (path: string, reason: string) => `${path}: cannot be read: ${reason}`,
  empty: (path: string) => `${path} is empty; pass allowEmpty: true to read it as a table with no rows`,
  headerOnly: (path: string) =>
    `${path} has a header but no data rows; pass allowEmpty: true to read it as a table with no rows`,
  gzipTruncated: (path: string, bytesOut: number) =>
    `${path}: gzip stream is truncated (it ends after ${bytesOut} decompressed bytes); ` +
    'the file was probably cut short while copying or downloading',
  gzipCorrupt: (path: string, reason: string) => `${path}: starts as gzip but does not decompress: ${reason}`,
  badEncoding: (path: string, encoding: string, line: number, byte: number) =>
    `${path}: line ${line}: invalid ${encoding} (byte ${byte} of the text); ` +
    "re-save the file as UTF-8, or pass the encoding it was written in (for example encoding: 'latin1')",
  unknownEncoding: (encoding: string) =>
    `readers: encoding ${JSON.stringify(encoding)} is not one TextDecoder knows; try 'utf-8', 'utf-16le' or 'latin1'`,
  unclosedQuote: (path: string, line: number, field: string) =>
    `${path}: line ${line}: the quoted field ${field} starts here and its closing quote is never found; ` +
    'a quote inside a quoted field must be doubled ("")',
  badClosingQuote: (path: string, line: number, field: string, next: string) =>
    `${path}: line ${line}, field ${field}: a quoted field's closing quote is followed by ${JSON.stringify(next)} ` +
    'instead of a delimiter or a line end; a quote inside a quoted field must be doubled (""), ' +
    'or pass relaxQuotes: true to keep such quotes as text',
  badOpeningQuote: (path: string, line: number, field: string) =>
    `${path}: line ${line}, field ${field}: a quote in the middle of an unquoted field; ` +
    "pass quote: '' if the file never quotes its fields (common in TSV), or relaxQuotes: true to keep such quotes as text",
  recordTooLarge: (path: string, line: number, field: string, limit: number) =>
    `${path}: line ${line}: the record starting here grows past ${mib(limit)} (in field ${field}); ` +
    'an unclosed quote can cause this, otherwise raise maxFieldBytes',
  csvOther: (path: string, line: number, reason: string) => `${path}: line ${line}: ${reason}`,
  ragged: (expected: number, got: number) => `expected ${expected} fields, got ${got}`,
  raggedError: (path: string, line: number, expected: number, got: number) =>
    `${path}: line ${line}: expected ${expected} fields, got ${got}; ` +
    'pass a quarantine to set such rows aside, or fix the delimiter (option delimiter)',
  quarantineNeeded: (reader: string) =>
    `${reader}: onRaggedRows is 'quarantine' but no quarantine was given; pass quarantine: new Quarantine()`,
  badOption: (reader: string, option: string, got: unknown, expected: string) =>
    `${reader}: ${option} is ${JSON.stringify(got)}, expected ${expected}`,
  invalidJson: (reason: string) => `invalid JSON: ${reason}`,
  badJson: (path: string, where: string, reason: string) => `${path}: ${where}: invalid JSON: ${reason}`,
  notRecord: (kind: string) => `expected a JSON object, got ${kind}`,
  notRecordError: (path: string, where: string, kind: string) =>
    `${path}: ${where}: expected a JSON object, got ${kind}; pass a quarantine to set such records aside`,
  jsonShape: (path: string, kind: string) =>
    `${path}: expected an array of objects, or an object with one array property such as {"data": [...]}, got ${kind}`,
  jsonKeys: (path: string, keys: readonly string[]) =>
    `${path}: the object has ${keys.length === 0 ? 'no array property' : `several array properties (${keys.join(', ')})`}; ` +
    'pass key to choose the one that holds the records',
  jsonKey: (path: string, key: string, keys: readonly string[]) =>
    `${path}: no array property '${key}'; array properties are: ${keys.join(', ') || 'none'}`,
  sqlOpen: (engine: string, path: string, reason: string) =>
    `${path}: cannot open as a ${engine} database: ${reason}`,
  sqlQuery: (engine: string, path: string, reason: string, query: string) =>
    `${path}: ${engine} query failed: ${reason}\n  query: ${query}`,
  sqlNoRows: (engine: string, path: string, query: string) =>
    `${path}: the ${engine} query returns no rows (readSql runs queries such as SELECT on a read-only database)\n  query: ${query}`,
  sqlEngine: (path: string) =>
    `${path}: cannot tell the database engine from the extension; pass engine: 'sqlite' or 'duckdb'`,
  needsQuery: (path: string, engine: string, tables: readonly string[]) =>
    `${path} is a ${engine} database; pass query (for example query: 'select * from ${tables[0] ?? 'my_table'}') ` +
    `to read a table from it${tables.length > 0 ? `; its tables are: ${tables.join(', ')}` : ''}`,
  unknownFormat: (path: string, known: string) =>
    `${path}: cannot tell the format from the extension; readTable reads ${known}`,
  noTextFiles: (dir: string, extensions: readonly string[] | undefined) =>
    `${dir} has no ${extensions ? `${extensions.join('/')} ` : ''}files; pass allowEmpty: true to read it as an empty table`,
};
