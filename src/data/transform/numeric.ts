import type { Value } from '../table.js';
import type { Fields } from './fields.js';
import { transformMessages as m, TransformError } from './messages.js';
import { type ColumnTransform, type ColumnTransformJson, readName, type TransformFamily } from './types.js';
import { moments, quantile, readColumn, safeScale, sorted, toNumber } from './values.js';

/** How a missing number is replaced, with a value learned from the training column (or `fillValue`). */
export type Fill = 'mean' | 'median' | 'constant';

interface NumberOptions {
  /** Replaces the column's name in feature names. */
  name?: string;
  /** Without a fill, a missing value is an error (at fit and at apply). */
  fill?: Fill;
  /** The value `fill: 'constant'` uses (0 if not given). */
  fillValue?: number;
  /** Adds a `<name>_missing` feature, 1 where the value was missing, 0 elsewhere. */
  indicator?: boolean;
}

/**
 * - `standard`: (x − mean) / std, population std (as scikit-learn and Keras's Normalization); a
 *   constant column gives 0.
 * - `minMax`: (x − min) / (max − min), so training values fall in [0, 1]; later values may not.
 * - `robust`: (x − median) / (q75 − q25), quantiles interpolated linearly as NumPy does.
 * - `number`: x as it is.
 */
export interface ScaleSpec extends NumberOptions {
  kind: 'standard' | 'minMax' | 'robust' | 'number';
}

/**
 * log1p(x). Negative values are refused by default (`negative: 'error'`). With `negative:
 * 'shift'` the column is shifted by the training minimum first, log1p(x + shift) with shift =
 * max(0, −min), and a later value below the training minimum is taken as that minimum.
 */
export interface LogSpec extends NumberOptions {
  kind: 'log';
  negative?: 'error' | 'shift';
}

/**
 * Bins with edges learned on train: `quantile` (equal counts, repeated edges merged) or
 * `uniform` (equal widths over [min, max]), or the given `edges`. A value x falls in bin i when
 * edges[i−1] ≤ x < edges[i] (Keras's Discretization), so n edges make n + 1 bins. Output is a
 * one-hot row per bin (`oneHot`, the default) or the bin's index as one feature (`ordinal`).
 */
export interface BinSpec extends NumberOptions {
  kind: 'bin';
  /** How many bins to learn (default 5). */
  bins?: number;
  strategy?: 'quantile' | 'uniform';
  /** Fixed inner edges, increasing; nothing is learned. */
  edges?: number[];
  output?: 'oneHot' | 'ordinal';
}

export type NumberSpec = ScaleSpec | LogSpec | BinSpec;

type Kind = NumberSpec['kind'];

/** What fitting learned beyond the fill, per kind; saved as the state. */
type Learned = Record<string, number | number[]>;

class NumberTransform implements ColumnTransform {
  readonly kind: Kind;
  readonly target = 'dense';
  readonly name: string;
  readonly width: number;
  readonly featureNames: readonly string[];
  readonly #valueWidth: number;
  readonly #encode: (x: number, out: Float32Array | Int32Array, offset: number) => void;

  constructor(
    readonly spec: NumberSpec,
    readonly column: string,
    /** The value a missing one becomes; null where the spec declares no fill. */
    readonly fillWith: number | null,
    readonly learned: Learned,
  ) {
    this.kind = spec.kind;
    this.name = spec.name ?? column;
    const names = valueNames(spec, this.name, learned);
    this.#valueWidth = names.length;
    if (spec.indicator) names.push(`${this.name}_missing`);
    this.featureNames = names;
    this.width = names.length;
    this.#encode = encoder(spec, column, learned);
  }

  write(value: Value | undefined, out: Float32Array | Int32Array, offset: number): void {
    let x = toNumber(value, this.column, this.kind);
    const missing = x === null;
    if (x === null) {
      if (this.fillWith === null) throw new TransformError(m.missing(this.column, this.kind), this.column);
      x = this.fillWith;
    }
    this.#encode(x, out, offset);
    if (this.spec.indicator) out[offset + this.#valueWidth] = missing ? 1 : 0;
  }

  toJSON(): ColumnTransformJson {
    const state: Record<string, unknown> = { ...this.learned };
    if (this.fillWith !== null) state.fillWith = this.fillWith;
    return { column: this.column, spec: { ...this.spec }, state };
  }
}

function valueNames(spec: NumberSpec, name: string, learned: Learned): string[] {
  switch (spec.kind) {
    case 'log':
      return [`${name}_log`];
    case 'bin': {
      if (spec.output === 'ordinal') return [`${name}_bin`];
      const bins = (learned.edges as number[]).length + 1;
      return Array.from({ length: bins }, (_, i) => `${name}_bin${i}`);
    }
    default:
      return [name];
  }
}

type Encode = (x: number, out: Float32Array | Int32Array, offset: number) => void;

function encoder(spec: NumberSpec, column: string, learned: Learned): Encode {
  const n = (key: string) => learned[key] as number;
  switch (spec.kind) {
    case 'standard': {
      const mean = n('mean');
      const std = safeScale(n('std'));
      return (x, out, o) => {
        out[o] = (x - mean) / std;
      };
    }
    case 'minMax': {
      const min = n('min');
      const range = safeScale(n('max') - min);
      return (x, out, o) => {
        out[o] = (x - min) / range;
      };
    }
    case 'robust': {
      const median = n('median');
      const iqr = safeScale(n('iqr'));
      return (x, out, o) => {
        out[o] = (x - median) / iqr;
      };
    }
    case 'number':
      return (x, out, o) => {
        out[o] = x;
      };
    case 'log': {
      const shift = n('shift');
      const shifting = spec.negative === 'shift';
      return (x, out, o) => {
        if (!shifting && x < 0) throw new TransformError(m.negativeLog(column, x), column);
        out[o] = Math.log1p(Math.max(0, x + shift));
      };
    }
    case 'bin': {
      const edges = learned.edges as number[];
      const oneHot = spec.output !== 'ordinal';
      return (x, out, o) => {
        const bin = binOf(edges, x);
        if (!oneHot) {
          out[o] = bin;
          return;
        }
        for (let i = 0; i <= edges.length; i++) out[o + i] = i === bin ? 1 : 0;
      };
    }
  }
}

/** How many edges are ≤ x (a binary search, edges being increasing). */
function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function learn(spec: NumberSpec, observed: readonly number[]): Learned {
  switch (spec.kind) {
    case 'standard':
      return { ...moments(observed) };
    case 'minMax':
      return { min: minOf(observed), max: maxOf(observed) };
    case 'robust': {
      const s = sorted(observed);
      return { median: quantile(s, 0.5), iqr: quantile(s, 0.75) - quantile(s, 0.25) };
    }
    case 'number':
      return {};
    case 'log':
      return { shift: spec.negative === 'shift' ? Math.max(0, -minOf(observed)) : 0 };
    case 'bin':
      return { edges: spec.edges ?? learnEdges(spec, observed) };
  }
}

function learnEdges(spec: BinSpec, observed: readonly number[]): number[] {
  const bins = spec.bins ?? 5;
  const s = sorted(observed);
  const min = s[0];
  const max = s[s.length - 1];
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = spec.strategy === 'uniform' ? min + ((max - min) * i) / bins : quantile(s, i / bins);
    // Repeated edges would make bins no value can fall in (scikit-learn drops them too).
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

// A loop, not Math.min(...values): spreading a large column overflows the call stack.
const minOf = (values: readonly number[]): number => values.reduce((a, b) => Math.min(a, b), Infinity);
const maxOf = (values: readonly number[]): number => values.reduce((a, b) => Math.max(a, b), -Infinity);

function fillOf(spec: NumberSpec, observed: readonly number[]): number | null {
  switch (spec.fill) {
    case undefined:
      return null;
    case 'mean':
      return moments(observed).mean;
    case 'median':
      return quantile(sorted(observed), 0.5);
    case 'constant':
      return spec.fillValue ?? 0;
  }
}

const KINDS: readonly Kind[] = ['standard', 'minMax', 'robust', 'number', 'log', 'bin'];

export const numberFamily: TransformFamily<NumberSpec> = {
  kinds: KINDS,

  readSpec(f: Fields, kind: Kind): NumberSpec {
    const common: NumberOptions = {};
    const name = readName(f);
    if (name !== undefined) common.name = name;
    const fill = f.oneOf('fill', ['mean', 'median', 'constant'] as const);
    if (fill !== undefined) common.fill = fill;
    const fillValue = f.number('fillValue');
    if (fillValue !== undefined) {
      if (fill !== 'constant') f.fail('fillValue', fillValue, "to come with fill: 'constant'");
      common.fillValue = fillValue;
    }
    common.indicator = f.boolean('indicator', false);
    if (kind === 'log')
      return { kind, ...common, negative: f.oneOf('negative', ['error', 'shift'] as const, 'error') };
    if (kind !== 'bin') return { kind, ...common };
    const spec: BinSpec = {
      kind,
      ...common,
      output: f.oneOf('output', ['oneHot', 'ordinal'] as const, 'oneHot'),
    };
    const edges = f.numbers('edges');
    if (edges !== undefined) {
      if (f.has('bins') || f.has('strategy')) f.fail('edges', edges, 'to come without bins and strategy');
      if (edges.length === 0 || edges.some((e, i) => i > 0 && e <= edges[i - 1])) {
        f.fail('edges', edges, 'a non-empty array of increasing numbers');
      }
      spec.edges = edges;
    } else {
      spec.bins = f.number('bins', { integer: true, min: 2 }, 5);
      spec.strategy = f.oneOf('strategy', ['quantile', 'uniform'] as const, 'quantile');
    }
    return spec;
  },

  fit(spec: NumberSpec, column: string, values: readonly Value[]): ColumnTransform {
    const numbers = readColumn(values, (v) => toNumber(v, column, spec.kind));
    const observed: number[] = [];
    numbers.forEach((x, row) => {
      if (x === null) {
        if (spec.fill === undefined) throw new TransformError(m.missing(column, spec.kind), column, row);
        return;
      }
      if (spec.kind === 'log' && spec.negative !== 'shift' && x < 0) {
        throw new TransformError(m.negativeLog(column, x), column, row);
      }
      observed.push(x);
    });
    if (observed.length === 0) throw new TransformError(m.nothingToFit(column, spec.kind), column);
    return new NumberTransform(spec, column, fillOf(spec, observed), learn(spec, observed));
  },

  restore(spec: NumberSpec, column: string, f: Fields): ColumnTransform {
    const fillWith = spec.fill === undefined ? null : f.requiredNumber('fillWith');
    const learned: Learned = {};
    const keys: Record<Kind, string[]> = {
      standard: ['mean', 'std'],
      minMax: ['min', 'max'],
      robust: ['median', 'iqr'],
      number: [],
      log: ['shift'],
      bin: [],
    };
    for (const key of keys[spec.kind]) learned[key] = f.requiredNumber(key);
    if (spec.kind === 'bin') {
      const edges = f.requiredNumbers('edges');
      if (edges.some((e, i) => i > 0 && e <= edges[i - 1])) f.fail('edges', edges, 'increasing numbers');
      learned.edges = edges;
    }
    f.finish();
    return new NumberTransform(spec, column, fillWith, learned);
  },
};
