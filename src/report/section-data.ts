import { formatNumber } from '../data/profile.js';
import { profileHistograms } from './charts.js';
import { figure, type Section } from './figure.js';
import { formatPercent } from './format.js';
import { badge, type Html, html, table } from './html.js';
import type { ColumnSummary, DataReport } from './report-data.js';

/** Past a dozen small multiples the histograms stop being glanceable. */
const maxHistograms = 12;

export async function dataSection(data: DataReport | undefined): Promise<Section | undefined> {
  if (!data) return undefined;
  const histograms = (data.profile ?? []).filter((c) => c.histogram?.length).slice(0, maxHistograms);
  const body = html`<p>Source: <code>${data.source}</code></p>
<div class="columns">${rowsTable(data)}${splitTable(data)}</div>
${data.cleaning.length > 0 && html`<h3>Cleaning</h3>${cleaningTable(data)}`}
${(data.anomalies ?? []).length > 0 && html`<h3>Anomalies</h3>${anomaliesTable(data)}`}
${(data.profile ?? []).length > 0 && html`<h3>Profile</h3>${profileTable(data.profile ?? [])}`}
${histograms.length > 0 && (await figure('profile-histograms', histogramCaption(data.profile ?? [], histograms), profileHistograms(histograms)))}`;
  return { id: 'data', title: 'Data', body };
}

/** Every input row is accounted for, and the sum is shown so that a reader can check it. */
function rowsTable({ rows }: DataReport): Html {
  const { input, kept, dropped, quarantined } = rows;
  const accounted = kept + dropped + quarantined;
  const row = (name: string, n: number) => [name, formatNumber(n), formatPercent(n, input)];
  const sum = [kept, dropped, quarantined].map(formatNumber).join(' + ');
  const check =
    input === accounted
      ? html`${formatNumber(input)} = ${sum} ${badge('adds up', 'pass')}`
      : html`${formatNumber(input)} ≠ ${sum} ${badge(`off by ${formatNumber(input - accounted)}`, 'fail')}`;
  return html`<div>${table(
    ['rows', 'count', 'share'],
    [row('input', input), row('kept', kept), row('dropped', dropped), row('quarantined', quarantined)],
    [1, 2],
  )}<p class="check">input = kept + dropped + quarantined: ${check}</p></div>`;
}

function splitTable({ split }: DataReport): Html {
  const total = split.train + split.validation + split.test;
  const row = (name: string, n: number) => [name, formatNumber(n), formatPercent(n, total)];
  return table(
    ['split', split.unit ?? 'rows', 'share'],
    [row('train', split.train), row('validation', split.validation), row('test', split.test)],
    [1, 2],
  );
}

function cleaningTable({ cleaning }: DataReport): Html {
  return table(
    ['step', 'rows dropped', 'cells changed', 'detail'],
    cleaning.map((s) => [s.step, formatNumber(s.rowsDropped), formatNumber(s.cellsChanged), s.detail]),
    [1, 2],
  );
}

function anomaliesTable({ anomalies = [] }: DataReport): Html {
  return table(
    ['severity', 'column', 'message'],
    anomalies.map((a) => [badge(a.severity, a.severity === 'error' ? 'fail' : 'warn'), a.column, a.message]),
  );
}

function profileTable(columns: ColumnSummary[]): Html {
  const number = (x: number | undefined) => (x === undefined ? '' : formatNumber(x));
  return table(
    ['column', 'type', 'missing', 'distinct', 'min', 'mean', 'max', 'top values'],
    columns.map((c) => [
      c.name,
      c.type,
      formatNumber(c.missing),
      formatNumber(c.distinct),
      number(c.min),
      number(c.mean),
      number(c.max),
      (c.top ?? [])
        .slice(0, 3)
        .map((t) => `${t.value === '' ? "''" : t.value} (${formatNumber(t.count)})`)
        .join(', '),
    ]),
    [2, 3, 4, 5, 6],
  );
}

function histogramCaption(all: ColumnSummary[], shown: ColumnSummary[]): string {
  const available = all.filter((c) => c.histogram?.length).length;
  const more = available > shown.length ? ` (the first ${shown.length} of ${available})` : '';
  return `Histograms of the numeric columns${more}.`;
}
