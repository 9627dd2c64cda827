/**
 * Text → typed value parsers for `coerce` and for filter rules. Each returns `undefined` for text
 * it does not accept rather than guessing: a parser that quietly reads "$1,234" as 1 or "13/45" as
 * a date in February would hide exactly the dirt that cleaning is for.
 */

import { daysFromCivil, digitsAt, plainNumberKind } from '../infer-type.js';

export interface NumberFormat {
  /** The digit-group separator, or null when groups are not written. */
  thousands: string | null;
  decimal: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A parser for numbers written with these separators. Groups must be well formed (`1,234,567`,
 * not `1,23,4`), so that a decimal comma is not mistaken for a group separator. Currency symbols,
 * percent signs and units are rejected, not stripped.
 */
export function numberParser(format: NumberFormat): (text: string) => number | undefined {
  const d = escapeRegExp(format.decimal);
  const integer = format.thousands ? `(?:\\d{1,3}(?:${escapeRegExp(format.thousands)}\\d{3})+|\\d+)` : '\\d+';
  const pattern = new RegExp(`^[+-]?(?:${integer}(?:${d}\\d*)?|${d}\\d+)(?:[eE][+-]?\\d+)?$`);
  return (text) => {
    const trimmed = text.trim();
    // With a decimal point, every plainly written number ('-12.5', '1e3') matches the pattern;
    // a character scan settles those without the regex.
    if (format.decimal === '.' && plainNumberKind(trimmed) !== null) return Number(trimmed);
    if (!pattern.test(trimmed)) return undefined;
    const plain = format.thousands ? trimmed.split(format.thousands).join('') : trimmed;
    return Number(format.decimal === '.' ? plain : plain.replace(format.decimal, '.'));
  };
}

/** Numbers as a program writes them (`-12.5`, `1e3`): what filter rules accept in text cells. */
export const parsePlainNumber = numberParser({ thousands: null, decimal: '.' });

export type DateParser = (text: string) => Date | undefined;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A UTC date from parts, or undefined for a day or time that does not exist (Feb 30, 25:00). */
function makeDate(p: DateParts, offsetMinutes = 0): Date | undefined {
  const monthDays = p.month === 2 && isLeap(p.year) ? 29 : MONTH_DAYS[p.month - 1];
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > monthDays) return undefined;
  if (p.hour > 23 || p.minute > 59 || p.second > 59) return undefined;
  // Arithmetic, not Date setters (a cost per cell); unlike Date.UTC it keeps years 0–99 as written.
  const time = ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + p.millisecond;
  return new Date(daysFromCivil(p.year, p.month, p.day) * 86_400_000 + time - offsetMinutes * 60_000);
}

/** 'yyyy-mm-dd' without the ISO regex; undefined when the text is not written so. */
function isoDateOnly(text: string): Date | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  return makeDate({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 });
}

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** ISO 8601 dates and date-times: `2011-12-09`, `2011-12-09T12:50`, `…:05.123Z`, `…+01:00`. */
export function parseIsoDate(text: string): Date | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 10 && trimmed.charCodeAt(4) === 45) {
    const date = isoDateOnly(trimmed);
    if (date !== undefined) return date;
  }
  const m = isoPattern.exec(trimmed);
  if (!m) return undefined;
  let offset = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    offset = zone[0] === '-' ? -minutes : minutes;
  }
  return makeDate(
    {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4] ?? 0),
      minute: Number(m[5] ?? 0),
      second: Number(m[6] ?? 0),
      millisecond: Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')),
    },
    offset,
  );
}

type Field = keyof DateParts;

// Longest tokens first, so that 'MM' is not read as two 'M's. Month, day and hour take one or two
// digits so that 'MM/DD/YYYY HH:mm' also reads '12/1/2010 8:26', as spreadsheets write it.
const tokens: readonly [string, string, Field][] = [
  ['YYYY', '(\\d{4})', 'year'],
  ['SSS', '(\\d{3})', 'millisecond'],
  ['MM', '(\\d{1,2})', 'month'],
  ['DD', '(\\d{1,2})', 'day'],
  ['HH', '(\\d{1,2})', 'hour'],
  ['mm', '(\\d{2})', 'minute'],
  ['ss', '(\\d{2})', 'second'],
  ['M', '(\\d{1,2})', 'month'],
  ['D', '(\\d{1,2})', 'day'],
  ['H', '(\\d{1,2})', 'hour'],
];

export const dateTokens = 'YYYY, MM (or M), DD (or D), HH (or H), mm, ss, SSS';

/**
 * A parser for one date format such as 'DD.MM.YYYY' or 'MM/DD/YYYY HH:mm', or 'ISO'. Letters
 * other than the tokens are an error (a lowercase 'dd' is a typo far more often than a literal);
 * write literal letters in brackets: 'YYYY-MM-DD[T]HH:mm'. Times are wall-clock times read as UTC,
 * so that a result never depends on the time zone of the machine that runs the pipeline.
 *
 * Returns a problem description instead of a parser when the format is unusable.
 */
export function dateParser(format: string): DateParser | string {
  if (format === 'ISO') return parseIsoDate;
  let pattern = '^';
  const fields: Field[] = [];
  let i = 0;
  while (i < format.length) {
    const char = format[i];
    if (char === '[') {
      const end = format.indexOf(']', i);
      if (end < 0) return `has an unclosed '[' at character ${i + 1}`;
      pattern += escapeRegExp(format.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const token = tokens.find(([t]) => format.startsWith(t, i));
    if (token) {
      if (fields.includes(token[2])) return `has two tokens for the ${token[2]}`;
      pattern += token[1];
      fields.push(token[2]);
      i += token[0].length;
      continue;
    }
    if (/[A-Za-z]/.test(char)) {
      return `has an unknown token '${char}' at character ${i + 1}; tokens are ${dateTokens}, and literal letters go in [brackets]`;
    }
    pattern += escapeRegExp(char);
    i++;
  }
  for (const needed of ['year', 'month', 'day'] as const) {
    if (!fields.includes(needed)) return `has no ${needed}; tokens are ${dateTokens}`;
  }
  const regex = new RegExp(`${pattern}$`);
  return (text) => {
    const m = regex.exec(text.trim());
    if (!m) return undefined;
    const parts: DateParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
    fields.forEach((field, k) => {
      parts[field] = Number(m[k + 1]);
    });
    return makeDate(parts);
  };
}
