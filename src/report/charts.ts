import type { TopLevelSpec } from 'vega-lite';
import { formatMetric, formatMoney } from './format.js';
import type {
  Automation,
  BusinessValue,
  ClassMetrics,
  ColumnSummary,
  EpochMetrics,
  Evaluation,
} from './report-data.js';

// One Vega-Lite spec per chart. User strings (labels, column names) only ever appear as data values
// under fixed field names: Vega-Lite reads dots and brackets in a field name as paths.

const font = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
const config = { font, view: { stroke: '#ddd' }, axis: { labelLimit: 120 }, legend: { labelLimit: 160 } };
const blue = '#4c78a8';
const orange = '#f58518';
const green = '#54a24b';
const red = '#e45756';
const others = ['#72b7b2', '#b279a2', '#9d755d', '#bab0ac', '#eeca3b', '#ff9da6'];

function spec(body: Record<string, unknown>): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config, ...body } as TopLevelSpec;
}

const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));

/** Metric families in first-seen order: 'loss' for both 'loss' and 'val_loss'. */
export function metricFamilies(epochs: EpochMetrics[]): string[] {
  const families = new Set<string>();
  for (const { metrics } of epochs) {
    for (const key of Object.keys(metrics)) families.add(key.startsWith('val_') ? key.slice(4) : key);
  }
  return [...families];
}

/** One metric family over the epochs, train and validation as two colored lines. */
export function trainingCurve(family: string, epochs: EpochMetrics[]): TopLevelSpec {
  const values = epochs.flatMap(({ epoch, metrics }) =>
    [
      { epoch, split: 'train', value: metrics[family] },
      { epoch, split: 'validation', value: metrics[`val_${family}`] },
    ].filter((point) => Number.isFinite(point.value)),
  );
  return spec({
    title: family,
    width: 360,
    height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: family, scale: { zero: false } },
      color: {
        field: 'split',
        type: 'nominal',
        title: null,
        scale: { domain: ['train', 'validation'], range: [blue, orange] },
        legend: { orient: 'top' },
      },
    },
  });
}

/**
 * Cells colored by the share of each actual class (so rare classes stay visible), counts as text.
 * Cells shrink with the class count down to a size where a 3-digit count still fits; past that the
 * figure scrolls rather than the text shrinking further.
 */
export function confusionMatrix(evaluation: Evaluation): TopLevelSpec {
  const confusion = evaluation.confusion ?? [];
  // Indices stand in for missing names rather than leaving a row unlabelled.
  const classes = confusion.map((_, i) => evaluation.classes?.[i] ?? String(i));
  const values = confusion.flatMap((row, actual) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, predicted) => ({
      actual: classes[actual],
      predicted: classes[predicted],
      count,
      share: total === 0 ? 0 : count / total,
    }));
  });
  const step = clamp(Math.floor(600 / classes.length), 14, 48);
  const axis = { labelLimit: 110, labelFontSize: clamp(step * 0.7, 8, 11) };
  return spec({
    title: 'Confusion matrix (rows: actual, columns: predicted)',
    width: { step },
    height: { step },
    data: { values },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: classes,
        title: 'predicted',
        axis: { ...axis, orient: 'top' },
      },
      y: { field: 'actual', type: 'nominal', sort: classes, title: 'actual', axis },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'share of actual',
            scale: { domain: [0, 1], range: ['#f7fbff', '#08519c'] },
            legend: { format: '.0%' },
          },
        },
      },
      {
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'text', fontSize: clamp(step * 0.42, 7, 13) },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: step >= 36 ? ',d' : '.3~s' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}

/** Precision, recall and F1 side by side for each class. */
export function perClassBars(perClass: ClassMetrics[]): TopLevelSpec {
  const values = perClass.flatMap(({ label, precision, recall, f1 }) => [
    { label, metric: 'precision', value: precision },
    { label, metric: 'recall', value: recall },
    { label, metric: 'F1', value: f1 },
  ]);
  const labels = perClass.map((c) => c.label);
  return spec({
    title: 'Precision, recall and F1 per class',
    width: { step: clamp(Math.floor(600 / labels.length), 24, 60), for: 'position' },
    height: 220,
    data: { values },
    mark: 'bar',
    encoding: {
      x: {
        field: 'label',
        type: 'nominal',
        sort: labels,
        title: 'class',
        axis: { labelAngle: labels.length > 8 ? -45 : 0, labelLimit: 90 },
      },
      xOffset: { field: 'metric', type: 'nominal', sort: ['precision', 'recall', 'F1'] },
      y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [0, 1] } },
      color: {
        field: 'metric',
        type: 'nominal',
        title: null,
        scale: { domain: ['precision', 'recall', 'F1'], range: [blue, orange, green] },
        legend: { orient: 'top' },
      },
    },
  });
}

/** A curve through points in the order given: thresholds decide it, and x may repeat. */
function curve(
  title: string,
  points: { x: number; y: number }[],
  x: string,
  y: string,
  diagonal: boolean,
): TopLevelSpec {
  const axis = (t: string) => ({ type: 'quantitative', title: t, scale: { domain: [0, 1] } });
  const line = {
    data: { values: points.map((p, order) => ({ ...p, order })) },
    mark: { type: 'line', color: blue, strokeWidth: 2 },
    encoding: { x: { field: 'x', ...axis(x) }, y: { field: 'y', ...axis(y) }, order: { field: 'order' } },
  };
  const chance = {
    data: {
      values: [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
    },
    mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
    encoding: { x: { field: 'x', ...axis(x) }, y: { field: 'y', ...axis(y) } },
  };
  return spec({ title, width: 300, height: 300, layer: diagonal ? [chance, line] : [line] });
}

export function rocCurve(roc: NonNullable<Evaluation['roc']>): TopLevelSpec {
  const points = roc.points.map((p) => ({ x: p.fpr, y: p.tpr }));
  return curve(
    `ROC curve (AUC ${formatMetric(roc.auc)})`,
    points,
    'false positive rate',
    'true positive rate',
    true,
  );
}

export function prCurve(pr: NonNullable<Evaluation['pr']>): TopLevelSpec {
  const points = pr.points.map((p) => ({ x: p.recall, y: p.precision }));
  return curve(`Precision–recall curve (AUC ${formatMetric(pr.auc)})`, points, 'recall', 'precision', false);
}

/**
 * Value against the decision threshold, with the chosen and best thresholds as vertical rules and
 * each baseline as a horizontal one, all in one legend.
 */
export function valueCurve(value: BusinessValue): TopLevelSpec {
  const chosen = `chosen threshold (${formatMetric(value.chosen.threshold)})`;
  const best = `best threshold (${formatMetric(value.best.threshold)})`;
  const baselines = value.baselines.map((b) => `${b.name} (${formatMoney(b.value, value.currency)})`);
  const domain = ['model', chosen, best, ...baselines];
  const range = [blue, orange, green, ...baselines.map((_, i) => [red, ...others][i % (others.length + 1)])];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range },
    legend: { orient: 'right', symbolType: 'stroke', labelLimit: 260 },
  };
  const threshold = { field: 'threshold', type: 'quantitative', title: 'decision threshold' };
  const amount = {
    field: 'value',
    type: 'quantitative',
    title: `value per ${value.per.toLocaleString('en-US')} decisions (${value.currency})`,
    axis: { format: ',.2~f' },
  };
  // Chosen last, so that it is drawn on top when it is also the best.
  const marked = [
    { series: best, ...value.best },
    { series: chosen, ...value.chosen },
  ];
  return spec({
    title: `Business value: ${formatMoney(value.chosen.value, value.currency)} per ${value.per.toLocaleString('en-US')} decisions at the chosen threshold`,
    width: 480,
    height: 280,
    encoding: { color },
    layer: [
      {
        data: { values: value.curve.map((p) => ({ series: 'model', ...p })) },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x: threshold, y: amount },
      },
      {
        data: { values: value.baselines.map((b, i) => ({ series: baselines[i], value: b.value })) },
        mark: { type: 'rule', strokeDash: [6, 4] },
        encoding: { y: amount },
      },
      { data: { values: marked }, mark: { type: 'rule', strokeDash: [2, 2] }, encoding: { x: threshold } },
      {
        data: { values: marked },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: { x: threshold, y: amount },
      },
    ],
  });
}

/** Small multiples: one histogram per numeric column, each with its own scales. */
export function profileHistograms(columns: ColumnSummary[]): TopLevelSpec {
  const names = columns.map((c) => c.name);
  const values = columns.flatMap((c) => (c.histogram ?? []).map((bin) => ({ column: c.name, ...bin })));
  return spec({
    title: 'Distributions of numeric columns',
    data: { values },
    columns: 4,
    facet: { field: 'column', type: 'nominal', sort: names, title: null, header: { labelLimit: 150 } },
    spec: {
      width: 160,
      height: 90,
      mark: { type: 'bar', color: blue },
      encoding: {
        x: { field: 'start', type: 'quantitative', title: null, scale: { zero: false } },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', title: null },
        y2: { datum: 0 },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
}

/** Precision against coverage as the confidence cut moves; the chosen cut and the target marked. */
export function automationCurve(automation: Automation): TopLevelSpec {
  const coverage = {
    field: 'coverage',
    type: 'quantitative',
    title: 'share decided by the model',
    axis: { format: '.0%' },
  };
  const precision = {
    field: 'precision',
    type: 'quantitative',
    title: 'precision of those decisions',
    axis: { format: '.1%' },
    scale: { zero: false },
  };
  return spec({
    title: `The model decides ${(automation.chosen.coverage * 100).toFixed(1)}% alone at ${(automation.chosen.precision * 100).toFixed(1)}% precision`,
    width: 480,
    height: 280,
    layer: [
      {
        data: { values: automation.curve },
        mark: { type: 'line', strokeWidth: 2, color: blue },
        encoding: { x: coverage, y: precision },
      },
      {
        data: { values: [{ precision: automation.target }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: red },
        encoding: { y: precision },
      },
      {
        data: { values: [automation.chosen] },
        mark: { type: 'point', filled: true, size: 80, color: orange },
        encoding: { x: coverage, y: precision },
      },
    ],
  });
}
