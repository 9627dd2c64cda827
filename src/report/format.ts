import { formatNumber } from '../data/profile.js';

/**
 * Metrics to four significant digits, trailing zeros kept so that a column of them lines up
 * (0.9000 next to 0.9123).
 */
export function formatMetric(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(3);
  return x.toLocaleString('en-US', { minimumSignificantDigits: 4, maximumSignificantDigits: 4 });
}

export { formatMoney } from '../pipeline/value.js';

/** A share of a whole: '12.5%'. */
export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return '—';
  return `${((part / whole) * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
}

/** Seconds as a person reads them: '0.42 s', '12.3 s', '4 min 05 s', '1 h 02 min'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 60) return `${Number(seconds.toPrecision(3))} s`;
  const whole = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${two(whole % 60)} s`;
  return `${Math.floor(whole / 3600)} h ${two(Math.floor((whole % 3600) / 60))} min`;
}

/** A run parameter of any type, for a table cell. */
export function formatParam(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}
