import { formatAmount, summarizeAutomation } from '../pipeline/automation.js';
import { automationCurve } from './charts.js';
import { figure, type Section } from './figure.js';
import { html, table } from './html.js';
import type { Automation } from './report-data.js';

/** How much the model can decide alone at the precision asked, and what that saves. */
export async function automationSection(automation: Automation | undefined): Promise<Section | undefined> {
  if (!automation) return undefined;
  const per = automation.per.toLocaleString('en-US');
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const { chosen } = automation;
  const rows = [
    [
      'decided by the model',
      pct(chosen.coverage),
      automation.automated.toLocaleString('en-US', { maximumFractionDigits: 0 }),
    ],
    [
      'sent to a person',
      pct(1 - chosen.coverage),
      (automation.per - automation.automated).toLocaleString('en-US', { maximumFractionDigits: 0 }),
    ],
  ];
  const chart = await figure(
    'automation',
    `Precision of the items the model decides alone against the share it decides, on the test split, as the confidence cut moves; the point is the cut chosen on the validation split, the dashed rule the precision asked.`,
    automationCurve(automation),
  );
  const body = html`<p>${automation.description}.</p>
<p><strong>${summarizeAutomation(automation)}.</strong> Precision of the automated decisions on the test split: ${pct(chosen.precision)}; saved per ${per} items: ${formatAmount(automation, automation.saved)}.</p>
${table([`per ${per} items`, 'share', 'items'], rows, [1, 2])}
${chart}`;
  return { id: 'automation', title: 'Value of automation', body };
}
