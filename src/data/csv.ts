import type { Transform, TransformCallback } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import { CsvScanError, CsvScanner, type ScannedRecord } from './csv-scanner.js';
import { ChunkBuilder, checkChunkRows, uniqueNames } from './read-chunks.js';
import { DataError, readMessages } from './read-errors.js';
import { openText, peekText } from './read-source.js';
import type { Quarantine } from './report.js';
import { sniffDelimiter } from './sniff.js';
import { Table } from './table.js';

export { DataError } from './read-errors.js';

export interface CsvOptions {
  /** The field delimiter; sniffed from the first records among ',', '\t', ';' and '|' when absent. */
  delimiter?: string;
  /** Whether the first record names the columns. Default: true, or false when `columns` is given. */
  header?: boolean;
  /** Column names; with `header: true` they replace the file's header. */
  columns?: readonly string[];
  /** Default '"'; '' reads quotes as plain text. */
  quote?: string;
  /** Any label TextDecoder knows. Default 'utf-8'. */
  encoding?: string;
  /** Rows per chunk for readCsvChunks. Default 50,000. */
  chunkRows?: number;
  /** Where rows with the wrong number of fields go, with their line and raw text. */
  quarantine?: Quarantine;
  /** Default 'quarantine' when a quarantine is given, else 'error'. */
  onRaggedRows?: 'quarantine' | 'error';
  /**
   * The largest record (and so the largest field) accepted, in bytes; it bounds the memory an
   * unclosed quote can take. Default 64 MiB.
   */
  maxFieldBytes?: number;
  /** Read an empty or header-only file as a table with no rows instead of failing. */
  allowEmpty?: boolean;
  /**
   * Keep a quote inside an unquoted field as text (`5" screen`) instead of failing. Off by
   * default: csv-parse then also reads a quoted field closed in the middle (`"x"y`) as text, so
   * a stray quote can silently merge lines into one field.
   */
  relaxQuotes?: boolean;
}

const reader = 'readCsv';

/** Reads a whole CSV or TSV file (gzipped or not) into a Table of strings. */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Table> {
  const chunks: Table[] = [];
  for await (const chunk of readCsvChunks(path, options)) chunks.push(chunk);
  return Table.concat(chunks);
}

/**
 * Streams a CSV or TSV file as Tables of at most `chunkRows` rows, so that a file larger than
 * memory can be processed. Values are strings, '' for an empty field; each row's origin is the
 * path and the line where its record starts. Blank lines are skipped. Quoting follows RFC 4180.
 */
export async function* readCsvChunks(path: string, options: CsvOptions = {}): AsyncGenerator<Table> {
  const settings = checkOptions(options);
  const delimiter = options.delimiter ?? (await sniff(path, settings.quote));
  const text = await openText(path, options.encoding);
  const context: Context = { path, delimiter, quote: settings.quote, limit: settings.maxFieldBytes };
  // The scanner reads strict RFC 4180; csv-parse stays for relaxQuotes, whose lenient rules
  // (what a stray quote means) are csv-parse's own and documented as such.
  const source = options.relaxQuotes
    ? parseRelaxed(text, delimiter, settings)
    : scanStrict(text, delimiter, settings);

  let builder: ChunkBuilder | undefined;
  let sawHeader = false;
  let dataRecords = 0;
  try {
    for await (const batch of source.batches) {
      for (const { fields: record, raw, line } of batch) {
        if (builder === undefined) {
          const fromFile = settings.header ? record : record.map((_, i) => `column_${i + 1}`);
          builder = new ChunkBuilder(uniqueNames(options.columns ?? fromFile));
          if (settings.header) {
            sawHeader = true;
            continue;
          }
        }
        dataRecords++;
        if (record.length !== builder.names.length) {
          quarantineOrThrow(path, settings, line, builder.names.length, record.length, raw);
          continue;
        }
        builder.push(record, { source: path, line });
        if (builder.size >= settings.chunkRows) yield builder.take();
      }
    }
  } catch (error) {
    const names = options.columns ?? (settings.header ? source.firstRecord() : undefined);
    throw explain(error, context, source.lines, names);
  } finally {
    text.destroy();
    source.destroy();
  }

  if (builder !== undefined && builder.size > 0) yield builder.take();
  if (dataRecords > 0) return;
  if (!options.allowEmpty)
    throw new DataError(sawHeader ? readMessages.headerOnly(path) : readMessages.empty(path));
  yield (builder ?? new ChunkBuilder(uniqueNames(options.columns ?? []))).take();
}

async function sniff(path: string, quote: string): Promise<string> {
  const head = await peekText(path);
  return sniffDelimiter(head.text, { quote, complete: head.complete });
}

/** Batches of records from either parser, and what explaining an error needs of it. */
interface RecordSource {
  batches: AsyncIterable<ScannedRecord[]>;
  firstRecord(): string[] | undefined;
  /** csv-parse's line numbers need correcting; the scanner's are exact. */
  lines: LineTracker | undefined;
  destroy(): void;
}

function scanStrict(text: Transform, delimiter: string, settings: Settings): RecordSource {
  const scanner = new CsvScanner({
    delimiter,
    quote: settings.quote,
    maxRecordBytes: settings.maxFieldBytes,
  });
  async function* batches(): AsyncGenerator<ScannedRecord[]> {
    // One batch per piece of text: a stream item per record would cost more than scanning it.
    for await (const piece of text as AsyncIterable<string>) {
      const batch = scanner.push(piece);
      if (batch.length > 0) yield batch;
    }
    const last = scanner.end();
    if (last.length > 0) yield last;
  }
  return { batches: batches(), firstRecord: () => scanner.firstRecord, lines: undefined, destroy: () => {} };
}

function parseRelaxed(text: Transform, delimiter: string, settings: Settings): RecordSource {
  const parser = new LineCountingParser({
    delimiter,
    quote: settings.quote,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // All three, not csv-parse's guess from the first line: files joined from several sources mix them.
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: settings.maxFieldBytes,
  });
  text.on('error', (error) => parser.destroy(error));
  text.pipe(parser);
  return {
    batches: parser as AsyncIterable<ScannedRecord[]>,
    firstRecord: () => parser.firstRecord,
    lines: parser.lines,
    destroy: () => parser.destroy(),
  };
}

interface Settings {
  header: boolean;
  quote: string;
  chunkRows: number;
  maxFieldBytes: number;
  quarantine: Quarantine | undefined;
}

function checkOptions(options: CsvOptions): Settings {
  const { delimiter, quote = '"', maxFieldBytes = 64 * 1024 * 1024 } = options;
  if (
    delimiter !== undefined &&
    (delimiter.length === 0 || delimiter === quote || /[\r\n]/.test(delimiter))
  ) {
    throw new DataError(
      readMessages.badOption(
        reader,
        'delimiter',
        delimiter,
        'a non-empty string other than the quote and line breaks',
      ),
    );
  }
  if (quote.length > 1)
    throw new DataError(readMessages.badOption(reader, 'quote', quote, "one character, or ''"));
  if (!Number.isInteger(maxFieldBytes) || maxFieldBytes < 1) {
    throw new DataError(readMessages.badOption(reader, 'maxFieldBytes', maxFieldBytes, 'a positive integer'));
  }
  const onRagged = options.onRaggedRows ?? (options.quarantine ? 'quarantine' : 'error');
  if (onRagged !== 'quarantine' && onRagged !== 'error') {
    throw new DataError(readMessages.badOption(reader, 'onRaggedRows', onRagged, "'quarantine' or 'error'"));
  }
  if (onRagged === 'quarantine' && options.quarantine === undefined) {
    throw new DataError(readMessages.quarantineNeeded(reader));
  }
  return {
    header: options.header ?? options.columns === undefined,
    quote,
    chunkRows: checkChunkRows(reader, options.chunkRows),
    maxFieldBytes,
    quarantine: onRagged === 'quarantine' ? options.quarantine : undefined,
  };
}

function quarantineOrThrow(
  path: string,
  settings: Settings,
  line: number,
  expected: number,
  got: number,
  raw: string,
): void {
  if (settings.quarantine === undefined)
    throw new DataError(readMessages.raggedError(path, line, expected, got));
  settings.quarantine.add({
    source: path,
    line,
    step: 'read',
    reason: readMessages.ragged(expected, got),
    raw: raw.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, ''),
  });
}

/**
 * csv-parse's stream, numbering each record as the parser emits it, before the stream buffers
 * it: the count stays exact up to a parse error even while earlier records wait in the buffer.
 * (Its `on_record` hook could do this too, but builds an info object per record: 2× slower.)
 *
 * The records parsed from one piece of text leave as one array: a stream item per record cost a
 * buffered object and a promise of the async iteration each, more than the parsing itself.
 */
class LineCountingParser extends Parser {
  readonly lines = new LineTracker();
  firstRecord: string[] | undefined;
  #batch: ScannedRecord[] = [];

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      if (!error) this.#pushBatch();
      callback(error);
    });
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error?: Error | null) => {
      if (!error) this.#pushBatch();
      callback(error);
    });
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      this.#pushBatch();
      return super.push(null, encoding);
    }
    const { record, raw } = chunk as { record: string[]; raw: string };
    this.firstRecord ??= record;
    this.#batch.push({ fields: record, raw, line: this.lines.advance(raw) });
    return true;
  }

  #pushBatch(): void {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    super.push(batch);
  }
}

/**
 * Line numbers from csv-parse's raw record text. Its own `info.lines` counts a CRLF inside a
 * quoted field twice, and its raw text keeps only the '\r' of a CRLF that ends a record; counting
 * '\r\n', a lone '\r' and a lone '\n' each as one break is right in both cases. Each raw text
 * starts with the blank lines skipped before its record.
 */
class LineTracker {
  /** The line where the next raw text starts. */
  #next = 1;

  /** Consumes one record's raw text; returns the line where the record starts. */
  advance(raw: string): number {
    const start = this.#next + leadingBreaks(raw);
    this.#next += breaks(raw, raw.length);
    return start;
  }

  /** The line where the record in this (partial) raw text starts, without consuming it. */
  startOf(raw: string): number {
    return this.#next + leadingBreaks(raw);
  }

  /** The line of position `end` in this (partial) raw text. */
  lineAt(raw: string, end: number): number {
    return this.#next + breaks(raw, end);
  }
}

function breaks(text: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10 && i + 1 < end) i++;
    }
  }
  return n;
}

function leadingBreaks(text: string): number {
  let i = 0;
  while (i < text.length && (text[i] === '\n' || text[i] === '\r')) i++;
  return breaks(text, i);
}

/** Where the last field of a record's (partial) raw text starts: the one an unclosed quote leaves open. */
function lastFieldStart(raw: string, delimiter: string, quote: string): number {
  let start = 0;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quoted) {
      if (c === quote) {
        if (raw[i + 1] === quote) i++;
        else quoted = false;
      }
    } else if (fieldStart && c === quote) {
      quoted = true;
      fieldStart = false;
    } else if (raw.startsWith(delimiter, i)) {
      start = i + delimiter.length;
      i += delimiter.length - 1;
      fieldStart = true;
    } else if (c === '\n' || c === '\r') {
      start = i + 1;
      fieldStart = true;
    } else fieldStart = false;
  }
  return start;
}

interface Context {
  path: string;
  delimiter: string;
  quote: string;
  limit: number;
}

/**
 * Turns a scanner error, or a csv-parse error (whose line numbers count from the wrong place),
 * into a DataError.
 */
function explain(
  error: unknown,
  context: Context,
  lines: LineTracker | undefined,
  names: readonly string[] | undefined,
): Error {
  const { path } = context;
  if (error instanceof DataError) return error;
  const fieldName = (column: number): string =>
    names?.[column] !== undefined ? `'${names[column]}'` : `${column + 1}`;
  if (error instanceof CsvScanError) {
    const { line, column } = error;
    const cause = { cause: error };
    switch (error.code) {
      case 'unclosedQuote':
        return new DataError(readMessages.unclosedQuote(path, line, fieldName(column)), cause);
      case 'badClosingQuote':
        return new DataError(readMessages.badClosingQuote(path, line, fieldName(column), error.next), cause);
      case 'badOpeningQuote':
        return new DataError(readMessages.badOpeningQuote(path, line, fieldName(column)), cause);
      case 'recordTooLarge':
        return new DataError(
          readMessages.recordTooLarge(path, line, fieldName(column), context.limit),
          cause,
        );
    }
  }
  if (!(error instanceof CsvError) || lines === undefined) {
    return new DataError(readMessages.unreadable(path, (error as Error).message), { cause: error });
  }
  const raw = typeof error.raw === 'string' ? error.raw : '';
  const column = typeof error.column === 'number' ? error.column : undefined;
  const field = column === undefined ? '?' : fieldName(column);
  const at = lines.lineAt(raw, raw.length);
  const cause = { cause: error };
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED': {
      const start = lastFieldStart(raw, context.delimiter, context.quote);
      return new DataError(readMessages.unclosedQuote(path, lines.lineAt(raw, start), field), cause);
    }
    case 'CSV_INVALID_CLOSING_QUOTE': {
      const next = /got "(.*?)" at line/.exec(error.message)?.[1] ?? '?';
      return new DataError(readMessages.badClosingQuote(path, at, field, next), cause);
    }
    case 'INVALID_OPENING_QUOTE':
      return new DataError(readMessages.badOpeningQuote(path, at, field), cause);
    case 'CSV_MAX_RECORD_SIZE':
      return new DataError(
        readMessages.recordTooLarge(path, lines.startOf(raw), field, context.limit),
        cause,
      );
    default:
      return new DataError(readMessages.csvOther(path, at, error.message), cause);
  }
}
