import { formatNumber } from '../data/profile.js';
import { formatAmount } from '../pipeline/automation.js';
import { lowerIsBetter } from '../pipeline/gates.js';
import type { Section } from './figure.js';
import { formatDuration, formatMetric, formatPercent } from './format.js';
import { badge, html, table } from './html.js';
import type { Variants } from './report-data.js';

/**
 * Every model the run trained on the same split, side by side: the validation metric that chose
 * one, each one's test metrics and value, and what it cost to train.
 */
export function variantsSection(variants: Variants | undefined): Section | undefined {
  if (!variants || variants.variants.length === 0) return undefined;
  const { metric } = variants;
  const testMetrics = Object.keys(variants.variants[0].test);
  const valued = variants.variants.find((v) => v.value)?.value;
  const header = [
    'model',
    'parameters',
    'epochs',
    'training time',
    `validation ${metric}`,
    ...testMetrics.map((m) => `test ${m}`),
    ...(valued ? [`value per ${formatNumber(valued.per)}`] : []),
    ...(valued?.coverage !== undefined ? ['automated'] : []),
  ];
  const rows = variants.variants.map((v) => [
    html`<strong>${v.name}</strong>${v.chosen && html` ${badge('chosen', 'pass')}`}<br><small>${v.description}</small>`,
    formatNumber(v.parameters),
    formatNumber(v.epochs),
    formatDuration(v.seconds),
    formatMetric(v.validation[metric]),
    ...testMetrics.map((m) => (v.test[m] === undefined ? '—' : formatMetric(v.test[m]))),
    ...(valued ? [v.value ? amount(v.value) : '—'] : []),
    ...(valued?.coverage !== undefined
      ? [v.value?.coverage === undefined ? '—' : formatPercent(v.value.coverage, 1)]
      : []),
  ]);
  const numeric = header.map((_, i) => i).filter((i) => i > 0);
  const direction = lowerIsBetter(metric) ? 'lowest' : 'highest';
  const body = html`<p>${formatNumber(variants.variants.length)} models trained on the same split; the one with the ${direction} validation ${metric} (<strong>${variants.chosen}</strong>) is the one evaluated, registered and served. Test figures of the others are for comparison only: choosing by them would flatter the winner.</p>
${table(header, rows, numeric)}`;
  return { id: 'variants', title: 'Models compared', body };
}

function amount(value: NonNullable<Variants['variants'][number]['value']>): string {
  return formatAmount(value, value.amount);
}
