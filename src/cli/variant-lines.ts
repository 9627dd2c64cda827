import { formatAmount } from '../pipeline/automation.js';
import { formatMetric as round } from '../pipeline/evaluation.js';
import type { VariantsReport } from '../pipeline/variants.js';

/** The run's models side by side, a line each: what chose the winner, and what each scored on test. */
export function variantLines(report: VariantsReport): string[] {
  const width = Math.max(...report.variants.map((v) => v.name.length));
  return [
    `models compared on validation ${report.metric} (${report.chosen} chosen):`,
    ...report.variants.map((v) => {
      const test = Object.entries(v.test)
        .slice(0, 3)
        .map(([k, x]) => `${k} ${round(x)}`)
        .join(', ');
      const value =
        v.value &&
        `, value ${formatAmount(v.value, v.value.amount)} per ${v.value.per.toLocaleString('en-US')}`;
      const mark = v.chosen ? '*' : ' ';
      return `${mark} ${v.name.padEnd(width)}  ${report.metric} ${round(v.validation[report.metric])} · test ${test}${value || ''} · ${v.epochs} epochs in ${v.seconds.toFixed(1)} s`;
    }),
  ];
}
