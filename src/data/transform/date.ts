import type { Value } from '../table.js';
import type { Fields } from './fields.js';
import { transformMessages as m, TransformError } from './messages.js';
import { type ColumnTransform, type ColumnTransformJson, readName, type TransformFamily } from './types.js';
import { isMissing, moments, readColumn, safeScale } from './values.js';

/** Calendar parts, read in UTC: month 1–12, day 1–31, weekday 0 (Monday)–6 (Sunday, as pandas), hour 0–23, dayOfYear 1–366. */
export type DatePart = 'year' | 'month' | 'day' | 'weekday' | 'hour' | 'dayOfYear';

/** Parts that wrap around, encoded as sin and cos of 2π·p/period so that December sits next to January. */
export type CyclicalPart = 'month' | 'weekday' | 'hour';

/**
 * Features of a date or date-time: calendar `parts` (standardised with the training mean and
 * std unless `scale: 'none'`, since a raw year of 2024 would swamp a network's other inputs),
 * then sin/cos pairs for the `cyclical` parts, using p = month − 1 (period 12), weekday (7) and
 * hour (24).
 *
 * Values are Date objects or strings: ISO 8601 ('2024-03-05', '2024-03-05T14:30:00Z',
 * '2024-03-05T14:30+02:00'), 'YYYY-MM-DD HH:mm[:ss]' and 'M/D/YYYY[ H:mm[:ss]]'. Everything is
 * read in UTC so that a model gives the same features on every server: a string without a zone
 * is taken as UTC wall-clock time, one with an offset is converted to UTC.
 *
 * A missing date is an error unless `indicator: true`, which adds `<name>_missing` and writes
 * 0 for the other features (the training mean, once standardised).
 */
export interface DateSpec {
  kind: 'date';
  name?: string;
  /** Default: all six. */
  parts?: DatePart[];
  /** Default: all three. */
  cyclical?: CyclicalPart[];
  scale?: 'standard' | 'none';
  indicator?: boolean;
}

const PARTS: readonly DatePart[] = ['year', 'month', 'day', 'weekday', 'hour', 'dayOfYear'];
const CYCLICAL: readonly CyclicalPart[] = ['month', 'weekday', 'hour'];
const PERIOD: Record<CyclicalPart, number> = { month: 12, weekday: 7, hour: 24 };
const DAY_MS = 86_400_000;

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Milliseconds since the epoch for a date string in one of the accepted forms, or null. */
export function parseDateText(text: string): number | null {
  const s = text.trim();
  let y: number, mo: number, d: number, h: number, mi: number, sec: number;
  let ms = 0;
  let offsetMinutes = 0;
  const iso = ISO.exec(s);
  if (iso) {
    [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(iso[i] ?? 0));
    if (iso[7] !== undefined) ms = Math.floor(Number(`0.${iso[7]}`) * 1000);
    const zone = iso[8];
    if (zone !== undefined && zone.toUpperCase() !== 'Z') {
      const digits = zone.slice(1).replace(':', '');
      const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
      offsetMinutes = zone[0] === '-' ? -minutes : minutes;
    }
  } else {
    const us = US.exec(s);
    if (!us) return null;
    [mo, d, y, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(us[i] ?? 0));
  }
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMinutes * 60_000;
}

/** A cell as a time in ms since the epoch, or null when missing; anything else is an error naming the column. */
export function toTime(value: Value | undefined, column: string): number | null {
  if (isMissing(value)) return null;
  let time: number | null = null;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'string') time = parseDateText(value);
  if (time === null || Number.isNaN(time)) {
    throw new TransformError(
      m.wrongType(column, 'date', value, "a date (a Date, ISO 8601, 'YYYY-MM-DD HH:mm' or 'M/D/YYYY H:mm')"),
      column,
    );
  }
  return time;
}

/** The value of one calendar part, in UTC. */
export function datePart(time: number, part: DatePart): number {
  const d = new Date(time);
  switch (part) {
    case 'year':
      return d.getUTCFullYear();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'day':
      return d.getUTCDate();
    case 'weekday':
      return (d.getUTCDay() + 6) % 7;
    case 'hour':
      return d.getUTCHours();
    case 'dayOfYear':
      return (
        Math.round(
          (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
            Date.UTC(d.getUTCFullYear(), 0, 1)) /
            DAY_MS,
        ) + 1
      );
  }
}

/** The position of a cyclical part in its period, starting at 0. */
const phase = (time: number, part: CyclicalPart): number => datePart(time, part) - (part === 'month' ? 1 : 0);

interface Scaling {
  means: number[];
  stds: number[];
}

class DateTransform implements ColumnTransform {
  readonly kind = 'date';
  readonly target = 'dense';
  readonly name: string;
  readonly width: number;
  readonly featureNames: readonly string[];
  readonly #parts: readonly DatePart[];
  readonly #cyclical: readonly CyclicalPart[];

  constructor(
    readonly spec: DateSpec,
    readonly column: string,
    /** Per part, in `parts` order; null with scale 'none'. */
    readonly scaling: Scaling | null,
  ) {
    this.name = spec.name ?? column;
    this.#parts = spec.parts ?? PARTS;
    this.#cyclical = spec.cyclical ?? CYCLICAL;
    const names = this.#parts.map((p) => `${this.name}_${p}`);
    for (const p of this.#cyclical) names.push(`${this.name}_${p}_sin`, `${this.name}_${p}_cos`);
    if (spec.indicator) names.push(`${this.name}_missing`);
    this.featureNames = names;
    this.width = names.length;
  }

  write(value: Value | undefined, out: Float32Array | Int32Array, offset: number): void {
    const time = toTime(value, this.column);
    if (time === null) {
      if (!this.spec.indicator) throw new TransformError(m.missingDate(this.column), this.column);
      out.fill(0, offset, offset + this.width - 1);
      out[offset + this.width - 1] = 1;
      return;
    }
    let o = offset;
    this.#parts.forEach((part, i) => {
      const x = datePart(time, part);
      out[o++] = this.scaling ? (x - this.scaling.means[i]) / safeScale(this.scaling.stds[i]) : x;
    });
    for (const part of this.#cyclical) {
      const angle = (2 * Math.PI * phase(time, part)) / PERIOD[part];
      out[o++] = Math.sin(angle);
      out[o++] = Math.cos(angle);
    }
    if (this.spec.indicator) out[o] = 0;
  }

  toJSON(): ColumnTransformJson {
    return { column: this.column, spec: { ...this.spec }, state: this.scaling ? { ...this.scaling } : {} };
  }
}

function readList<T extends string>(f: Fields, key: string, options: readonly T[]): T[] {
  const list = f.strings(key);
  if (list === undefined) return [...options];
  if (list.some((p) => !options.includes(p as T)) || new Set(list).size !== list.length) {
    f.fail(key, list, `distinct entries from ${options.map((o) => `'${o}'`).join(', ')}`);
  }
  return list as T[];
}

export const dateFamily: TransformFamily<DateSpec> = {
  kinds: ['date'],

  readSpec(f: Fields): DateSpec {
    const name = readName(f);
    const spec: DateSpec = {
      kind: 'date',
      ...(name === undefined ? {} : { name }),
      parts: readList(f, 'parts', PARTS),
      cyclical: readList(f, 'cyclical', CYCLICAL),
      scale: f.oneOf('scale', ['standard', 'none'] as const, 'standard'),
      indicator: f.boolean('indicator', false),
    };
    if (spec.parts!.length + spec.cyclical!.length === 0)
      f.fail('parts', [], 'at least one part or cyclical part');
    return spec;
  },

  fit(spec: DateSpec, column: string, values: readonly Value[]): ColumnTransform {
    const times = readColumn(values, (v) => toTime(v, column));
    const observed: number[] = [];
    times.forEach((t, row) => {
      if (t !== null) observed.push(t);
      else if (!spec.indicator) throw new TransformError(m.missingDate(column), column, row);
    });
    if (observed.length === 0) throw new TransformError(m.nothingToFit(column, 'date'), column);
    let scaling: Scaling | null = null;
    if (spec.scale !== 'none') {
      const stats = (spec.parts ?? PARTS).map((p) => moments(observed.map((t) => datePart(t, p))));
      scaling = { means: stats.map((s) => s.mean), stds: stats.map((s) => s.std) };
    }
    return new DateTransform(spec, column, scaling);
  },

  restore(spec: DateSpec, column: string, f: Fields): ColumnTransform {
    let scaling: Scaling | null = null;
    if (spec.scale !== 'none') {
      scaling = { means: f.requiredNumbers('means'), stds: f.requiredNumbers('stds', { min: 0 }) };
      const parts = (spec.parts ?? PARTS).length;
      if (scaling.means.length !== parts) f.fail('means', scaling.means, `${parts} numbers, one per part`);
      if (scaling.stds.length !== parts) f.fail('stds', scaling.stds, `${parts} numbers, one per part`);
    }
    f.finish();
    return new DateTransform(spec, column, scaling);
  },
};
