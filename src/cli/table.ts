import { formatMetric } from '../pipeline/evaluation.js';

/** Columns padded to their widest cell, as `docker ps` or `mlflow runs list` print them. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatCell(x: number | undefined): string {
  return x === undefined ? '' : formatMetric(x);
}

/** '2026-11-29T09:32:52.123Z' → '2026-11-29 09:32'. */
export function shortTime(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}
