import { valueCurve } from './charts.js';
import { figure, type Section } from './figure.js';
import { formatMetric, formatMoney } from './format.js';
import { html, table } from './html.js';
import type { BusinessValue } from './report-data.js';

/** What the model earns per `per` decisions at its threshold, against the best threshold and the baselines. */
export async function valueSection(value: BusinessValue | undefined): Promise<Section | undefined> {
  if (!value) return undefined;
  const money = (x: number) => formatMoney(x, value.currency);
  const gain = (x: number) => money(value.chosen.value - x);
  const rows = [
    [
      `model at the chosen threshold (${formatMetric(value.chosen.threshold)})`,
      money(value.chosen.value),
      '',
    ],
    [
      `model at the best threshold (${formatMetric(value.best.threshold)})`,
      money(value.best.value),
      gain(value.best.value),
    ],
    ...value.baselines.map((b) => [b.name, money(b.value), gain(b.value)]),
  ];
  const per = value.per.toLocaleString('en-US');
  const chart = await figure(
    'value',
    `Value per ${per} decisions at each decision threshold; dashed rules mark the chosen and best thresholds and the baselines.`,
    valueCurve(value),
  );
  const body = html`<p>${value.description}. Values are per ${per} decisions.</p>
${table([`per ${per} decisions`, 'value', 'chosen model gains'], rows, [1, 2])}
${chart}`;
  return { id: 'value', title: 'Business value', body };
}
