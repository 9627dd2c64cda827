import type { Tensor } from './tensor.js';

const SUMMARIZE_ABOVE = 1000;
const EDGE_ITEMS = 3;

/**
 * NumPy-style printing: values aligned in columns, one precision for the whole tensor, and
 * large tensors summarised with '...' around their first and last rows.
 *
 *   tensor([[ 1.5000, -2.0000],
 *           [ 0.2500,  3.0000]], dtype=float32)
 */
export function formatTensor(t: Tensor): string {
  const summarize = t.size > SUMMARIZE_ABOVE;
  const shown = shownValues(t, summarize);
  const format = formatter(t, shown);
  const width = Math.max(1, ...shown.map((v) => format(v).length));
  const prefix = 'tensor(';
  const body = formatDim(t, 0, 0, t.size, summarize, (v) => format(v).padStart(width), prefix.length + 1);
  const shape = summarize ? `, shape=[${t.shape.join(', ')}]` : '';
  return `${prefix}${body}${shape}, dtype=${t.dtype})`;
}

function formatDim(
  t: Tensor,
  dim: number,
  offset: number,
  stride: number,
  summarize: boolean,
  cell: (v: number) => string,
  indent: number,
): string {
  if (dim === t.rank) return cell(t.values[offset]);
  const n = t.shape[dim];
  const inner = stride / n;
  const indices = visibleIndices(n, summarize);
  const parts = indices.map((i) =>
    i < 0 ? '...' : formatDim(t, dim + 1, offset + i * inner, inner, summarize, cell, indent + 1),
  );
  if (dim === t.rank - 1) return `[${parts.join(', ')}]`;
  const gap = `,${'\n'.repeat(t.rank - dim - 1)}${' '.repeat(indent)}`;
  return `[${parts.join(gap)}]`;
}

/** Indices to print along a dimension, with -1 standing for the elided middle. */
function visibleIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
  return [...head, -1, ...tail];
}

function shownValues(t: Tensor, summarize: boolean): number[] {
  if (!summarize) return Array.from(t.values);
  const out: number[] = [];
  const walk = (dim: number, offset: number, stride: number): void => {
    if (dim === t.rank) {
      out.push(t.values[offset]);
      return;
    }
    const inner = stride / t.shape[dim];
    for (const i of visibleIndices(t.shape[dim], true)) if (i >= 0) walk(dim + 1, offset + i * inner, inner);
  };
  walk(0, 0, t.size);
  return out;
}

function formatter(t: Tensor, shown: number[]): (v: number) => string {
  if (t.dtype === 'bool') return (v) => (v ? 'true' : 'false');
  if (t.dtype === 'int32') return (v) => String(v);
  const finite = shown.filter((v) => Number.isFinite(v));
  const special = (v: number, normal: (v: number) => string) =>
    Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? normal(v) : v > 0 ? 'inf' : '-inf';
  if (finite.every((v) => Number.isInteger(v)) && finite.every((v) => Math.abs(v) < 1e8)) {
    return (v) => special(v, (x) => `${x}.`);
  }
  const magnitudes = finite.filter((v) => v !== 0).map(Math.abs);
  const max = Math.max(0, ...magnitudes);
  const min = magnitudes.length > 0 ? Math.min(...magnitudes) : 0;
  if (max >= 1e8 || (min > 0 && min < 1e-4) || (min > 0 && max / min > 1e3 && max >= 1e3)) {
    return (v) => special(v, (x) => x.toExponential(4));
  }
  return (v) => special(v, (x) => x.toFixed(4));
}
