import type { Section } from './figure.js';
import { formatMetric } from './format.js';
import { badge, html, table } from './html.js';
import type { Gate, RegistryOutcome } from './report-data.js';

export function gatesSection(gates: Gate[] | undefined): Section | undefined {
  if (!gates?.length) return undefined;
  const passed = gates.filter((g) => g.passed).length;
  const rows = gates.map((g) => [
    g.metric,
    `${g.op} ${formatMetric(g.threshold)}`,
    formatMetric(g.actual),
    badge(g.passed ? 'pass' : 'fail', g.passed ? 'pass' : 'fail'),
  ]);
  const body = html`<p>${passed} of ${gates.length} gates passed.</p>${table(['metric', 'required', 'actual', 'result'], rows, [2])}`;
  return { id: 'gates', title: 'Quality gates', body };
}

export function registrySection(registry: RegistryOutcome | undefined): Section | undefined {
  if (!registry) return undefined;
  const { model, version, stage, comparedWith: c } = registry;
  const comparison =
    c &&
    table(
      ['metric', `candidate v${version}`, `production v${c.version}`, 'difference'],
      [[c.metric, formatMetric(c.candidate), formatMetric(c.production), signed(c.candidate - c.production)]],
      [1, 2, 3],
    );
  const body = html`<p>Registered <code>${model}</code> version ${version} in stage <strong>${stage}</strong>.</p>${comparison}`;
  return { id: 'registry', title: 'Registry', body };
}

export function nextSection(next: string[] | undefined): Section | undefined {
  if (!next?.length) return undefined;
  return {
    id: 'next',
    title: 'Next',
    body: html`<ul class="next">${next.map((c) => html`<li><code>${c}</code></li>`)}</ul>`,
  };
}

function signed(x: number): string {
  return x > 0 ? `+${formatMetric(x)}` : formatMetric(x);
}
