import type { Section } from './figure.js';
import { formatDuration, formatMetric, formatMoney, formatParam } from './format.js';
import { badge, type Content, type Html, html, type Tone, table } from './html.js';
import type { ReportData } from './report-data.js';

export function statusBadge(status: string): Html {
  const tone: Tone = /fail|error|abort|cancel/i.test(status)
    ? 'fail'
    : /succe|complete|finish|pass|done|^ok$/i.test(status)
      ? 'pass'
      : 'neutral';
  return badge(status, tone);
}

/** The few lines a reader wants before scrolling: status, headline metrics, value, gates, registry. */
export function summarySection(data: ReportData): Section {
  const { evaluation, value, gates, registry } = data;
  const metrics = Object.entries(evaluation.metrics).slice(0, 6);
  const passed = gates?.filter((g) => g.passed).length ?? 0;
  const items: [string, Content][] = [
    ['status', statusBadge(data.run.status)],
    ['task', evaluation.task],
    ...metrics.map(([name, x]): [string, Content] => [name, formatMetric(x)]),
  ];
  if (value) {
    const per = value.per.toLocaleString('en-US');
    items.push(['value', `${formatMoney(value.chosen.value, value.currency)} per ${per} decisions`]);
  }
  if (gates?.length) {
    items.push([
      'gates',
      badge(`${passed} of ${gates.length} passed`, passed === gates.length ? 'pass' : 'fail'),
    ]);
  }
  if (registry) items.push(['registry', `${registry.model} v${registry.version} → ${registry.stage}`]);
  const body = html`<dl class="summary">${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
  return { id: 'summary', title: 'Summary', body };
}

export function runSection(data: ReportData): Section {
  const { run } = data;
  const durations = Object.entries(run.durations);
  const total = durations.reduce((sum, [, s]) => sum + s, 0);
  const facts = table(
    ['run', ''],
    [
      ['id', html`<code>${run.id}</code>`],
      ['name', run.name],
      ['status', statusBadge(run.status)],
      ['started', run.startedAt],
    ],
  );
  const params = table(
    ['parameter', 'value'],
    Object.entries(run.params).map(([k, v]) => [html`<code>${k}</code>`, formatParam(v)]),
  );
  const stages = table(
    ['stage', 'duration'],
    [
      ...durations.map(([stage, s]) => [stage, formatDuration(s)]),
      [html`<strong>total</strong>`, html`<strong>${formatDuration(total)}</strong>`],
    ],
    [1],
  );
  return { id: 'run', title: 'Run', body: html`<div class="columns">${facts}${params}${stages}</div>` };
}
