import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../data/profile.js';
import { figure, type Section } from './figure.js';
import { formatMetric, formatMoney, formatPercent } from './format.js';
import { html, table } from './html.js';
import type { Ranking } from './report-data.js';

const metrics = [
  ['hr_at_10', 'HR@10'],
  ['ndcg_at_10', 'NDCG@10'],
  ['recall_at_10', 'recall@10'],
] as const;

/**
 * A recommender's evaluation: every model's ranking metrics on the same test purchases, side by
 * side, and what each model's top products earn against the popularity baseline.
 */
export async function rankingSection(ranking: Ranking | undefined): Promise<Section | undefined> {
  if (!ranking) return undefined;
  const { counts, revenue } = ranking;
  const chart = await figure(
    'ranking',
    'HR@10 and NDCG@10 rank each test purchase among 100 products the customer never bought; recall@10 is over the whole catalogue.',
    rankingBars(ranking),
  );
  const money = (x: number, signed = false) => formatMoney(x, revenue.currency, signed);
  const baseline = revenue.models.find((m) => m.name === revenue.baseline)!.revenue;
  const per = revenue.per.toLocaleString('en-US');
  const body = html`<p>${formatNumber(counts.customers)} customers and ${formatNumber(counts.products)} products in training.
The test set is what each of ${formatNumber(counts.testCustomers)} customers first bought in the last ${counts.testDays} days of their own history:
${formatNumber(counts.test)} purchases (${formatNumber(counts.unseenProducts)} more were of products no model had seen, and are not scored).
The model registered and served is <strong>${ranking.chosen}</strong>.</p>
${table(
  ['model', 'how it ranks', ...metrics.map(([, label]) => label)],
  ranking.models.map((m) => [m.name, m.about, ...metrics.map(([key]) => formatMetric(m.metrics[key]))]),
  [2, 3, 4],
)}
${chart}
<h3>Revenue per ${per} customers</h3>
<p>${revenue.description}.</p>
${table(
  [
    'model',
    `top-${revenue.top} products bought`,
    `revenue per ${per} customers`,
    `against ${revenue.baseline}`,
  ],
  revenue.models.map((m) => [
    m.name,
    formatPercent(m.hitRate, 1),
    money(m.revenue),
    m.name === revenue.baseline ? '' : money(m.revenue - baseline, true),
  ]),
  [1, 2, 3],
)}
<p>Showing each customer the ${revenue.chosen} model's top ${revenue.top} instead of the most popular products is worth
<strong>${money(revenue.extra, true)}</strong> per ${per} customers over ${counts.testDays} days.</p>`;
  return { id: 'ranking', title: 'Recommendations', body };
}

function rankingBars(ranking: Ranking): TopLevelSpec {
  const values = ranking.models.flatMap((m) =>
    metrics.map(([key, label]) => ({ model: m.name, metric: label, value: m.metrics[key] })),
  );
  const names = ranking.models.map((m) => m.name);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
      view: { stroke: '#ddd' },
    },
    title: 'Ranking metrics by model',
    width: { step: 60, for: 'position' },
    height: 220,
    data: { values },
    mark: 'bar',
    encoding: {
      x: {
        field: 'metric',
        type: 'nominal',
        sort: metrics.map(([, l]) => l),
        title: null,
        axis: { labelAngle: 0 },
      },
      xOffset: { field: 'model', type: 'nominal', sort: names },
      y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [0, 1] } },
      color: {
        field: 'model',
        type: 'nominal',
        title: null,
        sort: names,
        scale: { range: ['#bab0ac', '#4c78a8', '#f58518'] },
        legend: { orient: 'top' },
      },
    },
  } as TopLevelSpec;
}
