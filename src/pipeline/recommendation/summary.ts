import { formatMetric } from '../evaluation.js';
import { formatMoney } from '../value.js';
import type { RankingResult } from './run.js';

/** A recommendation run's lines of the CLI summary: each model's ranking metrics and the revenue. */
export function summarizeRanking(ranking: RankingResult): string[] {
  const { revenue } = ranking;
  const money = (x: number, signed = false) => formatMoney(x, revenue.currency, signed);
  const per = revenue.per.toLocaleString('en-US');
  return [
    ...ranking.models.map(
      (m) =>
        `${m.name}: HR@10 ${formatMetric(m.metrics.hr_at_10)}, NDCG@10 ${formatMetric(m.metrics.ndcg_at_10)}, recall@10 ${formatMetric(m.metrics.recall_at_10)}`,
    ),
    `value per ${per} customers shown the top ${revenue.top}: ${revenue.models
      .map((m) => `${m.name} ${money(m.revenue)}`)
      .join(', ')}; ${revenue.chosen} earns ${money(revenue.extra, true)} against ${revenue.baseline}`,
  ];
}
