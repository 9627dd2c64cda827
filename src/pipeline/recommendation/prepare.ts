import { fitCleaning } from '../../data/clean/plan.js';
import { profile } from '../../data/profile.js';
import { formatStepReport, Quarantine } from '../../data/report.js';
import type { Table } from '../../data/table.js';
import type { PipelineConfig } from '../config.js';
import type { Prepared } from '../prepare.js';
import type { StatusUpdate } from '../training.js';
import { readPurchases } from './purchases.js';
import { type Interactions, splitPurchases } from './split.js';

/** The purchase lines cleaned, counted, and split into what the recommenders train and are tested on. */
export interface PreparedPurchases {
  data: Interactions;
  /** As the report and the run's summary show any pipeline's data. */
  prepared: Omit<Prepared, 'train' | 'validation' | 'test' | 'testTable' | 'quarantine'>;
  quarantine: Quarantine;
}

/**
 * The declared cleaning runs over every line first (its rules are filters, so nothing is fitted
 * that the split could leak); the split is in time, per customer, on the clean lines.
 */
export function preparePurchases(
  table: Table,
  config: PipelineConfig,
  update: StatusUpdate,
): PreparedPurchases {
  const spec = config.data.interactions!;
  update('profiling');
  // Of the lines as read, as other pipelines profile their training rows before cleaning.
  const read = profile(table);
  update('cleaning');
  const quarantine = new Quarantine();
  const cleaned = fitCleaning(table, config.clean).apply(table, { quarantine });
  update('splitting in time');
  const purchases = readPurchases(cleaned.table, spec);
  const data = splitPurchases(purchases, spec, {
    validation: config.data.split.validation,
    seed: config.data.split.seed,
  });
  const kept = cleaned.table.numRows;
  const { counts } = data;
  const anomalies: Prepared['anomalies'] = [];
  if (counts.unseenProducts > 0)
    anomalies.push({
      severity: 'warning',
      column: spec.item,
      message: `${counts.unseenProducts.toLocaleString('en-US')} test purchases are of products first sold in the test days: no model can recommend them, so they are not scored`,
    });
  if (counts.newCustomers > 0)
    anomalies.push({
      severity: 'warning',
      column: spec.user,
      message: `${counts.newCustomers.toLocaleString('en-US')} customers bought only within their last ${spec.testDays} days: they are trained on, not tested`,
    });
  return {
    data,
    quarantine,
    prepared: {
      task: 'binary',
      classes: ['not bought', 'bought'],
      inputs: { [spec.user]: [1], [spec.item]: [1] },
      inputDims: data.features.inputDims,
      features: data.features,
      profile: read,
      anomalies,
      rows: {
        input: table.numRows,
        kept,
        quarantined: quarantine.size,
        dropped: table.numRows - kept - quarantine.size,
      },
      steps: cleaned.reports.map((report) => {
        const total = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + v, 0);
        return {
          step: report.step,
          rowsDropped: total(report.dropped) + report.quarantined,
          cellsChanged: total(report.changedCells),
          detail: formatStepReport(report),
        };
      }),
      // Counted in customer × product pairs: what the models train and are tested on.
      split: {
        train: counts.train,
        validation: counts.validation,
        test: counts.test,
        unit: 'customer × product pairs',
      },
    },
  };
}
