import type { ReportData } from '../../src/report/index.js';

// Report inputs shaped like what the pipeline runner produces, built from a seeded generator so
// that every run of the tests sees the same numbers.

export const hostile = '<script>alert("x")</script>';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const run = (name: string): ReportData['run'] => ({
  id: '3f2a9c01d2e4',
  name,
  status: 'succeeded',
  startedAt: '2025-03-01T09:30:00.000Z',
  durations: { read: 0.42, clean: 1.25, train: 184.6, evaluate: 3.1 },
  params: { learningRate: 0.001, epochs: 12, layers: [64, 32], optimizer: 'adam', [hostile]: hostile },
});

/** ROC and PR points from scores of 500 positives and 1,500 negatives that overlap. */
function curves(): Pick<ReportData['evaluation'], 'roc' | 'pr'> {
  const next = random(7);
  const scored = [
    ...Array.from({ length: 500 }, () => ({ score: 0.35 + 0.65 * next(), positive: true })),
    ...Array.from({ length: 1500 }, () => ({ score: 0.7 * next(), positive: false })),
  ].sort((a, b) => b.score - a.score);
  const roc = [{ fpr: 0, tpr: 0 }];
  const pr: { recall: number; precision: number }[] = [];
  let tp = 0;
  let fp = 0;
  for (const { positive } of scored) {
    if (positive) tp++;
    else fp++;
    roc.push({ fpr: fp / 1500, tpr: tp / 500 });
    pr.push({ recall: tp / 500, precision: tp / (tp + fp) });
  }
  return { roc: { points: roc, auc: 0.9021 }, pr: { points: pr, auc: 0.8174 } };
}

function epochs(count: number): NonNullable<ReportData['training']>['epochs'] {
  return Array.from({ length: count }, (_, i) => ({
    epoch: i + 1,
    metrics: {
      loss: 0.7 * Math.exp(-i / 4) + 0.2,
      val_loss: 0.72 * Math.exp(-i / 5) + 0.25,
      accuracy: 0.95 - 0.4 * Math.exp(-i / 3),
      val_accuracy: 0.92 - 0.4 * Math.exp(-i / 3),
    },
  }));
}

export function binaryReport(): ReportData {
  const next = random(3);
  const histogram = (start: number, width: number) =>
    Array.from({ length: 10 }, (_, i) => ({
      start: start + i * width,
      end: start + (i + 1) * width,
      count: Math.round(200 * Math.exp(-((i - 4) ** 2) / 6) + 20 * next()),
    }));
  return {
    title: 'churn — run 3f2a9c01d2e4',
    generatedAt: '2025-03-01T09:33:12.000Z',
    run: run('churn'),
    data: {
      source: 'data/customers.csv',
      rows: { input: 12000, kept: 11640, dropped: 312, quarantined: 48 },
      cleaning: [
        { step: 'dropDuplicates', rowsDropped: 300, cellsChanged: 0 },
        { step: 'dropMissing', rowsDropped: 12, cellsChanged: 0, detail: 'customer_id' },
        { step: 'trim', rowsDropped: 0, cellsChanged: 1834 },
      ],
      profile: [
        {
          name: 'tenure',
          type: 'number',
          missing: 0,
          distinct: 72,
          min: 0,
          max: 72,
          mean: 32.37,
          histogram: histogram(0, 7.2),
        },
        {
          name: 'monthly_charges',
          type: 'number',
          missing: 14,
          distinct: 1585,
          min: 18.25,
          max: 118.75,
          mean: 64.76,
          histogram: histogram(18.25, 10.05),
        },
        {
          name: hostile,
          type: 'number',
          missing: 3,
          distinct: 40,
          min: -1,
          max: 1,
          mean: 0.01,
          histogram: histogram(-1, 0.2),
        },
        {
          name: 'contract',
          type: 'string',
          missing: 0,
          distinct: 3,
          top: [
            { value: 'month-to-month', count: 6411 },
            { value: 'two year', count: 2836 },
          ],
        },
      ],
      anomalies: [
        { severity: 'warning', column: 'monthly_charges', message: '14 missing values (0.1%)' },
        { severity: 'error', column: hostile, message: `unexpected category ${hostile}` },
      ],
      split: { train: 8148, validation: 1164, test: 2328 },
    },
    training: { epochs: epochs(12) },
    evaluation: {
      task: 'binary',
      metrics: { accuracy: 0.8412, auc: 0.9021, precision: 0.7, recall: 0.6523, f1: 0.6753 },
      classes: ['stays', 'churns'],
      confusion: [
        [1562, 165],
        [205, 396],
      ],
      perClass: [
        { label: 'stays', precision: 0.884, recall: 0.9045, f1: 0.8941, support: 1727 },
        { label: 'churns', precision: 0.7059, recall: 0.6589, f1: 0.6816, support: 601 },
      ],
      ...curves(),
    },
    value: {
      currency: 'EUR',
      description: 'approving a bad customer costs 5, rejecting a good one costs 1',
      per: 1000,
      curve: Array.from({ length: 21 }, (_, i) => ({
        threshold: i / 20,
        value: 1200 - 4000 * (i / 20 - 0.35) ** 2,
      })),
      chosen: { threshold: 0.35, value: 1200 },
      best: { threshold: 0.35, value: 1200 },
      baselines: [
        { name: 'no model', value: -250 },
        { name: 'production v2', value: 1034.5 },
      ],
    },
    gates: [
      { metric: 'auc', op: '>=', threshold: 0.85, actual: 0.9021, passed: true },
      { metric: 'recall', op: '>=', threshold: 0.7, actual: 0.6523, passed: false },
    ],
    registry: {
      model: 'churn',
      version: 4,
      stage: 'staging',
      comparedWith: { version: 3, metric: 'auc', candidate: 0.9021, production: 0.8876 },
    },
    next: ['deepline serve --model churn@production', `deepline runs show ${hostile}`],
  };
}

/** A 28×28 digit-like blob, brighter where the class number says. */
function digit(label: number, next: () => number): Float32Array {
  const pixels = new Float32Array(28 * 28);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const ring = Math.abs(Math.hypot(x - 14, y - 14) - 4 - label / 2);
      pixels[y * 28 + x] = Math.max(0, 1 - ring / 2) * (0.8 + 0.2 * next());
    }
  }
  return pixels;
}

export function multiclassReport(classCount = 10, images = 40): ReportData {
  const next = random(11);
  const classes = Array.from({ length: classCount }, (_, i) => (i === 3 ? hostile : `class ${i}`));
  const confusion = classes.map((_, actual) =>
    classes.map((_, predicted) =>
      actual === predicted ? 80 + Math.round(40 * next()) : next() < 0.3 ? Math.round(9 * next()) : 0,
    ),
  );
  const perClass = classes.map((label, i) => {
    const support = confusion[i].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[i], 0);
    const precision = confusion[i][i] / predicted;
    const recall = confusion[i][i] / support;
    return { label, precision, recall, f1: (2 * precision * recall) / (precision + recall), support };
  });
  const misclassified = Array.from({ length: images }, (_, i) => {
    const actual = i % classCount;
    const predicted = (i + 1) % classCount;
    const rgb = i === 1;
    const gray = digit(actual, next);
    return {
      pixels: rgb ? Array.from(gray, (v) => [v * 255, v * 128, 255 - v * 255]).flat() : gray,
      scale: rgb ? (255 as const) : (1 as const),
      width: 28,
      height: 28,
      channels: rgb ? (3 as const) : (1 as const),
      actual: classes[actual],
      predicted: classes[predicted],
      confidence: 0.5 + 0.5 * next(),
    };
  });
  return {
    title: 'digits — run 9b1c',
    generatedAt: '2025-03-02T10:00:00.000Z',
    run: run('digits'),
    training: { epochs: epochs(5) },
    evaluation: {
      task: 'multiclass',
      metrics: { accuracy: 0.9312, loss: 0.2211 },
      classes,
      confusion,
      perClass,
      misclassified,
    },
  };
}

export function regressionReport(): ReportData {
  return {
    title: 'house prices — run 77aa',
    generatedAt: '2025-03-03T08:00:00.000Z',
    run: { ...run('house-prices'), status: 'failed' },
    evaluation: {
      task: 'regression',
      metrics: { mae: 21034.5, rmse: 30125.25, r2: 0.87654321, tiny: 0.00001234 },
    },
  };
}
