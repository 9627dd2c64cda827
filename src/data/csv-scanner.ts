import { Buffer } from 'node:buffer';

/**
 * A strict RFC 4180 scanner over decoded text pieces, written for readCsvChunks: csv-parse was
 * the slowest stage of reading, and it also needed a second pass to number lines correctly.
 * This one numbers the line each record starts on as it goes: LF, CRLF and a lone CR each end a
 * line (and a record); line breaks inside quoted fields count as lines but do not end records.
 * Blank lines are skipped. Malformed quoting is a CsvScanError naming line and field; lenient
 * quoting (relaxQuotes) stays with csv-parse.
 */

const LF = 10;
const CR = 13;

export type CsvScanErrorCode = 'unclosedQuote' | 'badClosingQuote' | 'badOpeningQuote' | 'recordTooLarge';

/** Malformed input, with the 1-based line and the 0-based field where it was found. */
export class CsvScanError extends Error {
  override name = 'CsvScanError';

  constructor(
    readonly code: CsvScanErrorCode,
    readonly line: number,
    readonly column: number,
    /** For badClosingQuote: the character that follows the closing quote. */
    readonly next = '',
  ) {
    super(`${code} at line ${line}, field ${column + 1}`);
  }
}

export interface ScannedRecord {
  fields: string[];
  /** The line the record starts on. */
  line: number;
  /** The record's text, without its line break. */
  raw: string;
}

export interface CsvScannerOptions {
  delimiter: string;
  /** '' reads quotes as plain text. */
  quote: string;
  /** The largest record accepted, in UTF-8 bytes; it bounds the text an unclosed quote holds. */
  maxRecordBytes: number;
}

enum State {
  FieldStart = 0,
  Unquoted = 1,
  Quoted = 2,
}

/** Where scanning of a record cut off by the end of a piece resumes, so nothing is scanned twice. */
interface Suspended {
  fields: string[];
  /** Offset from the record's start. */
  at: number;
  /** The line at `at`. */
  line: number;
  state: State;
  /** The current field's text before `at`. */
  value: string;
  /** The line the current quoted field opened on. */
  quoteLine: number;
}

export class CsvScanner {
  /** The first record scanned, for naming fields in errors before the caller has seen it. */
  firstRecord: string[] | undefined;

  readonly #delimiter: string;
  readonly #delimiterCode: number;
  readonly #quote: string;
  /** -1 when quoting is off, so that no character code matches it. */
  readonly #quoteCode: number;
  readonly #maxBytes: number;
  /** A UTF-16 unit is at most 3 UTF-8 bytes: below this many units no byte count is needed. */
  readonly #maxUnits: number;

  /** The unfinished record carried over to the next piece, from its first character. */
  #rest = '';
  /** The line where the next text (or #rest) starts. */
  #line = 1;
  /** The last piece ended on a CR, so a LF opening the next one is the rest of a CRLF. */
  #afterCR = false;
  #suspended: Suspended | undefined;

  // Positions of the next quote and CR in the text being scanned, found once and reused until
  // passed: an indexOf per record would rescan the same stretch many times.
  #quoteAt = -1;
  #crAt = -1;
  #lfAt = -1;

  // What #record hands back for a finished record, kept in fields to avoid an object per call.
  #fields: string[] = [];
  #rawEnd = 0;
  #end = 0;
  #endLine = 0;

  constructor(options: CsvScannerOptions) {
    this.#delimiter = options.delimiter;
    this.#delimiterCode = options.delimiter.charCodeAt(0);
    this.#quote = options.quote;
    this.#quoteCode = options.quote === '' ? -1 : options.quote.charCodeAt(0);
    this.#maxBytes = options.maxRecordBytes;
    this.#maxUnits = Math.floor(options.maxRecordBytes / 3);
  }

  /** Scans the next piece of text; returns the records it completes. */
  push(text: string): ScannedRecord[] {
    if (this.#afterCR) {
      this.#afterCR = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    return this.#scan(this.#rest === '' ? text : this.#rest + text, false);
  }

  /** Ends the input; returns the last record if no line break closed it. */
  end(): ScannedRecord[] {
    const rest = this.#rest;
    this.#rest = '';
    return rest === '' ? [] : this.#scan(rest, true);
  }

  #scan(text: string, final: boolean): ScannedRecord[] {
    const records: ScannedRecord[] = [];
    const n = text.length;
    this.#quoteAt = -1;
    this.#crAt = -1;
    this.#lfAt = -1;
    this.#rest = '';
    let suspended = this.#suspended;
    this.#suspended = undefined;
    let pos = 0;
    let line = this.#line;
    while (pos < n) {
      if (suspended === undefined) {
        const c = text.charCodeAt(pos);
        if (c === LF || c === CR) {
          pos = this.#lineBreak(text, pos, final);
          line++;
          continue;
        }
      }
      if (!this.#record(text, pos, line, final, suspended)) {
        this.#rest = text.slice(pos);
        break;
      }
      suspended = undefined;
      const record = { fields: this.#fields, line, raw: text.slice(pos, this.#rawEnd) };
      this.firstRecord ??= record.fields;
      records.push(record);
      pos = this.#end;
      line = this.#endLine;
    }
    this.#line = line;
    return records;
  }

  /** Consumes the line break at `pos` (CRLF as one); returns the position after it. */
  #lineBreak(text: string, pos: number, final: boolean): number {
    if (text.charCodeAt(pos) === LF) return pos + 1;
    pos++;
    if (pos === text.length) this.#afterCR = !final;
    else if (text.charCodeAt(pos) === LF) pos++;
    return pos;
  }

  /**
   * Scans the record starting at `start` on `line`. True when it is complete (results in
   * #fields, #rawEnd, #end, #endLine); false when the text ends first and more may follow.
   */
  #record(text: string, start: number, line: number, final: boolean, suspended?: Suspended): boolean {
    if (suspended === undefined) {
      // The common case: a record on one LF-ended line with no quote and no CR is one split.
      let end = text.indexOf('\n', start);
      if (end === -1 && final) end = text.length;
      if (
        end !== -1 &&
        end - start <= this.#maxUnits &&
        this.#nextQuote(text, start) >= end &&
        this.#nextCR(text, start) >= end
      ) {
        this.#fields = text.slice(start, end).split(this.#delimiter);
        this.#rawEnd = end;
        this.#end = end === text.length ? end : end + 1;
        this.#endLine = end === text.length ? line : line + 1;
        return true;
      }
    }
    return this.#slowRecord(text, start, line, final, suspended);
  }

  #nextQuote(text: string, from: number): number {
    if (this.#quoteAt < from) {
      const i = this.#quoteCode < 0 ? -1 : text.indexOf(this.#quote, from);
      this.#quoteAt = i === -1 ? Number.POSITIVE_INFINITY : i;
    }
    return this.#quoteAt;
  }

  #nextLF(text: string, from: number): number {
    if (this.#lfAt < from) {
      const i = text.indexOf('\n', from);
      this.#lfAt = i === -1 ? Number.POSITIVE_INFINITY : i;
    }
    return this.#lfAt;
  }

  #nextCR(text: string, from: number): number {
    if (this.#crAt < from) {
      const i = text.indexOf('\r', from);
      this.#crAt = i === -1 ? Number.POSITIVE_INFINITY : i;
    }
    return this.#crAt;
  }

  /** Character by character: quoted fields, CR line ends, long records, and records cut off. */
  #slowRecord(
    text: string,
    start: number,
    recordLine: number,
    final: boolean,
    resume: Suspended | undefined,
  ): boolean {
    const n = text.length;
    const quote = this.#quoteCode;
    const delimiter = this.#delimiter;
    const delimiterCode = this.#delimiterCode;
    const dlen = delimiter.length;
    const fields = resume?.fields ?? [];
    let p = resume === undefined ? start : start + resume.at;
    let line = resume?.line ?? recordLine;
    let state = resume?.state ?? State.FieldStart;
    let value = resume?.value ?? '';
    let quoteLine = resume?.quoteLine ?? line;

    const suspend = (at: number): false => {
      this.#checkSize(text, start, n, recordLine, fields.length);
      this.#suspended = { fields, at: at - start, line, state, value, quoteLine };
      return false;
    };
    const isDelimiter = (at: number): boolean =>
      text.charCodeAt(at) === delimiterCode && (dlen === 1 || text.startsWith(delimiter, at));

    for (;;) {
      if (state === State.FieldStart) {
        if (p === n && !final) return suspend(p);
        value = '';
        if (p < n && text.charCodeAt(p) === quote) {
          state = State.Quoted;
          quoteLine = line;
          p++;
        } else state = State.Unquoted;
      }

      if (state === State.Unquoted) {
        const from = p;
        while (p < n) {
          const c = text.charCodeAt(p);
          if (c === LF || c === CR || isDelimiter(p)) break;
          if (c === quote) throw new CsvScanError('badOpeningQuote', line, fields.length);
          p++;
        }
        if (p === n && !final) {
          // Hold back what could be the start of a delimiter split across pieces.
          const keep = Math.max(from, n - dlen + 1);
          value += text.slice(from, keep);
          return suspend(keep);
        }
        value += text.slice(from, p);
      } else {
        // Quoted: jump from quote to quote; only a doubled quote stays inside the field.
        let segment = p;
        for (;;) {
          const close = text.indexOf(this.#quote, p);
          if (close === -1) {
            if (final) throw new CsvScanError('unclosedQuote', quoteLine, fields.length);
            // A CR at the very end may be half of a CRLF: leave it to be counted with its LF.
            const end = text.charCodeAt(n - 1) === CR ? n - 1 : n;
            line += this.#countBreaks(text, p, end);
            value += text.slice(segment, end);
            return suspend(end);
          }
          line += this.#countBreaks(text, p, close);
          if (close + 1 === n && !final) {
            // A quote at the very end may be the first of a doubled one: decide with the next piece.
            value += text.slice(segment, close);
            return suspend(close);
          }
          if (text.charCodeAt(close + 1) === quote) {
            value += text.slice(segment, close + 1);
            p = close + 2;
            segment = p;
            continue;
          }
          value += text.slice(segment, close);
          p = close + 1;
          break;
        }
        if (p < n && !isDelimiter(p)) {
          const c = text.charCodeAt(p);
          if (c !== LF && c !== CR) {
            // Perhaps a delimiter of several characters that the next piece completes.
            if (!final && n - p < dlen && delimiter.startsWith(text.slice(p))) {
              p--;
              return suspend(p);
            }
            throw new CsvScanError('badClosingQuote', line, fields.length, text[p]);
          }
        }
      }

      fields.push(value);
      this.#checkSize(text, start, p, recordLine, fields.length - 1);
      if (p < n && isDelimiter(p)) {
        p += dlen;
        state = State.FieldStart;
        continue;
      }
      this.#fields = fields;
      this.#rawEnd = p;
      if (p < n) {
        p = this.#lineBreak(text, p, final);
        line++;
      }
      this.#end = p;
      this.#endLine = line;
      return true;
    }
  }

  /** Line breaks in text[from, to): LF, CRLF and a lone CR each count once. */
  #countBreaks(text: string, from: number, to: number): number {
    let n = 0;
    // Through the cached positions: a plain indexOf would run past `to` to the end of a text
    // that has no CR at all, once per quoted field.
    for (let i = this.#nextLF(text, from); i < to; i = this.#nextLF(text, i + 1)) n++;
    for (let i = this.#nextCR(text, from); i < to; i = this.#nextCR(text, i + 1)) {
      if (text.charCodeAt(i + 1) !== LF) n++;
    }
    return n;
  }

  #checkSize(text: string, start: number, end: number, line: number, column: number): void {
    if (end - start <= this.#maxUnits) return;
    if (Buffer.byteLength(text.slice(start, end)) > this.#maxBytes)
      throw new CsvScanError('recordTooLarge', line, column);
  }
}
