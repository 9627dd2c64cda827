import { type CleaningPlan, fitCleaning } from '../data/clean/plan.js';
import type { MnistSplit } from '../data/mnist.js';
import { type Profile, profile } from '../data/profile.js';
import { formatStepReport, Quarantine, type StepReport } from '../data/report.js';
import { inferSchema, type Schema } from '../data/schema.js';
import { trainTestSplit } from '../data/split.js';
import type { Table } from '../data/table.js';
import { inferLabelKind, type LabelSpec } from '../data/transform/label.js';
import { type FittedFeatures, featurePipeline } from '../data/transform/pipeline.js';
import { slice } from '../ops/slice.js';
import { Tensor } from '../tensor/tensor.js';
import type { PipelineConfig } from './config.js';
import type { Task } from './evaluation.js';
import type { Source } from './source.js';

export interface Part {
  x: Tensor[];
  y: Tensor;
}

/** Everything between the source and the model: split, cleaned, transformed, and accounted for. */
export interface Prepared {
  task: Task;
  /** Class labels as strings, in the order of the model's outputs (binary: negative, positive). */
  classes: string[];
  inputs: Record<string, number[]>;
  inputDims: Record<string, number>;
  train: Part;
  validation: Part;
  test: Part;
  /** The test rows as read (before cleaning), to score another model's own pipeline on them. */
  testTable?: Table;
  cleaning?: CleaningPlan;
  features?: FittedFeatures;
  /** Of the training split, as read (before cleaning). */
  profile?: Profile;
  /** For image data: the class balance and the pixel distribution of the training split. */
  imageProfile?: ImageProfile;
  schema?: Schema;
  /** What validation found: against the production model's schema (tables), or in the pixels and labels (images). */
  anomalies: { severity: 'error' | 'warning'; column?: string; message: string }[];
  rows: { input: number; kept: number; dropped: number; quarantined: number };
  steps: { step: string; rowsDropped: number; cellsChanged: number; detail: string }[];
  quarantine: Quarantine;
  /** How many of what went to each part; `unit` says what is counted when it is not table rows. */
  split: { train: number; validation: number; test: number; unit?: string };
}

export interface ImageProfile {
  classes: { value: string; count: number }[];
  /** `distinct` counts 8-bit levels, which is what images hold. */
  pixels: {
    min: number;
    max: number;
    mean: number;
    distinct: number;
    histogram: { start: number; end: number; count: number }[];
  };
}

const labelKinds: Record<Task, LabelSpec['kind']> = {
  binary: 'binary',
  multiclass: 'index',
  regression: 'number',
};
const tasks: Record<LabelSpec['kind'], Task> = {
  binary: 'binary',
  index: 'multiclass',
  number: 'regression',
};

export function prepare(
  source: Source,
  config: PipelineConfig,
  update: (status: string) => void = () => {},
): Prepared {
  return source.kind === 'images'
    ? prepareImages(source, config)
    : prepareTable(source.table, config, update, source.test);
}

/** Image datasets come with their test split; validation is the end of the training split, as Keras's validationSplit. */
function prepareImages(source: Extract<Source, { kind: 'images' }>, config: PipelineConfig): Prepared {
  const { train, test } = source;
  const parts = source.validation
    ? { train: imagePart(train), validation: imagePart(source.validation) }
    : endOfTrain(train, config.data.split.validation);
  const held = parts.validation.y.shape[0];
  const n = parts.train.y.shape[0] + held;
  const total = n + test.images.shape[0];
  const quarantine = source.quarantine ?? new Quarantine();
  return {
    task: 'multiclass',
    classes: source.classes,
    inputs: { image: train.images.shape.slice(1) },
    inputDims: {},
    ...parts,
    test: imagePart(test),
    imageProfile: imageProfile(train, source.classes),
    anomalies: [
      ...checkImages('train', train, source.classes.length),
      ...checkImages('test', test, source.classes.length),
    ],
    rows: { input: total + quarantine.size, kept: total, dropped: 0, quarantined: quarantine.size },
    steps: [],
    quarantine,
    split: { train: n - held, validation: held, test: test.images.shape[0], unit: 'images' },
  };
}

const imagePart = (split: MnistSplit): Part => ({ x: [split.images], y: split.labels });

/** Keras's validationSplit: the last share (or count) of the training images. */
function endOfTrain(train: MnistSplit, share: number): { train: Part; validation: Part } {
  const n = train.images.shape[0];
  const held = share >= 1 ? Math.min(share, n - 1) : Math.round(n * share);
  const cut = (t: Tensor, begin: number, count: number) =>
    slice(t, [begin, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]);
  const part = (begin: number, count: number): Part => ({
    x: [cut(train.images, begin, count)],
    y: cut(train.labels, begin, count),
  });
  return { train: part(0, n - held), validation: part(n - held, held) };
}

function prepareTable(
  table: Table,
  config: PipelineConfig,
  update: (status: string) => void,
  testTable?: Table,
): Prepared {
  const label = config.data.label!;
  // A recommendation never comes here: recommendation/prepare.ts turns its purchases into examples.
  const task = config.data.task === 'recommendation' ? undefined : config.data.task;
  const kind = task ? labelKinds[task] : inferLabelKind(table.column(label));
  const { test: testShare, validation, seed, stratify } = config.data.split;
  const by = stratify && kind !== 'number' ? { stratify: label } : {};
  // A test file (data.test) is the test split as published; the source gives up only validation rows.
  const held = testTable && trainTestSplit(table, { testSize: validation, seed, ...by });
  const parts = held
    ? { train: held.train, validation: held.test, test: testTable! }
    : trainTestSplit(table, { testSize: testShare, validationSize: validation, seed, ...by });
  const raw = { train: parts.train, validation: parts.validation!, test: parts.test };
  const inputRows = table.numRows + (testTable?.numRows ?? 0);
  // One pass: the training rows are what the report profiles and what serving data is checked
  // against, as everything fitted here.
  update('profiling');
  const read = profile(raw.train);
  const schema = inferSchema(read);
  update('cleaning');
  const plan = fitCleaning(raw.train, config.clean);
  const quarantine = new Quarantine();
  const cleaned = {
    train: plan.apply(raw.train, { quarantine }),
    validation: plan.apply(raw.validation, { quarantine }),
    test: plan.apply(raw.test, { quarantine }),
  };
  const labelSpec: LabelSpec = {
    column: label,
    kind,
    ...(config.data.positive !== undefined && { positive: String(config.data.positive) }),
  };
  update('fitting features');
  const features = featurePipeline({ columns: config.features, label: labelSpec }).fit(cleaned.train.table);
  const part = (t: Table): Part => {
    const { x, y } = features.transform(t);
    return { x: x instanceof Tensor ? [x] : Object.values(x), y: y! };
  };
  const shapes = features.outputShapes.x;
  const kept = cleaned.train.table.numRows + cleaned.validation.table.numRows + cleaned.test.table.numRows;
  return {
    task: tasks[kind],
    classes: features.label!.classes.map(String),
    inputs: Array.isArray(shapes) ? { features: shapes } : shapes,
    inputDims: features.inputDims,
    train: part(cleaned.train.table),
    validation: part(cleaned.validation.table),
    test: part(cleaned.test.table),
    testTable: raw.test,
    cleaning: plan,
    features,
    profile: read,
    schema,
    anomalies: [],
    rows: {
      input: inputRows,
      kept,
      quarantined: quarantine.size,
      dropped: inputRows - kept - quarantine.size,
    },
    steps: mergeReports([cleaned.train.reports, cleaned.validation.reports, cleaned.test.reports]),
    quarantine,
    split: {
      train: cleaned.train.table.numRows,
      validation: cleaned.validation.table.numRows,
      test: cleaned.test.table.numRows,
    },
  };
}

function imageProfile(split: MnistSplit, classes: readonly string[]): ImageProfile {
  const counts = new Array<number>(classes.length).fill(0);
  for (const v of split.labels.values) counts[v]++;
  const values = split.images.values;
  const bins = new Array<number>(10).fill(0);
  const levels = new Uint8Array(256);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    bins[Math.min(9, Math.max(0, Math.floor(v * 10)))]++;
    levels[Math.min(255, Math.max(0, Math.round(v * 255)))] = 1;
  }
  return {
    classes: classes.map((value, i) => ({ value, count: counts[i] })),
    pixels: {
      min,
      max,
      mean: sum / values.length,
      distinct: levels.reduce((a, b) => a + b, 0),
      histogram: bins.map((count, i) => ({ start: i / 10, end: (i + 1) / 10, count })),
    },
  };
}

/** Pixels must be scaled to [0, 1] and labels must name a class: anything else would train on garbage. */
function checkImages(part: string, split: MnistSplit, classes: number): Prepared['anomalies'] {
  const found: Prepared['anomalies'] = [];
  let bad = 0;
  for (const v of split.images.values) if (!(v >= 0 && v <= 1)) bad++;
  if (bad > 0)
    found.push({
      severity: 'error',
      column: 'image',
      message: `${part}: ${bad} pixel values outside [0, 1]`,
    });
  let labels = 0;
  for (const v of split.labels.values) if (!(Number.isInteger(v) && v >= 0 && v < classes)) labels++;
  if (labels > 0)
    found.push({
      severity: 'error',
      column: 'label',
      message: `${part}: ${labels} labels outside 0..${classes - 1}`,
    });
  return found;
}

/** The same plan ran on three parts: one line per step, counts summed. */
function mergeReports(parts: readonly (readonly StepReport[])[]): Prepared['steps'] {
  return parts[0].map((first, i) => {
    const sum = (f: (r: StepReport) => Record<string, number>): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const p of parts) for (const [k, v] of Object.entries(f(p[i]))) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    const merged: StepReport = {
      step: first.step,
      rowsIn: parts.reduce((s, p) => s + p[i].rowsIn, 0),
      rowsOut: parts.reduce((s, p) => s + p[i].rowsOut, 0),
      dropped: sum((r) => r.dropped),
      quarantined: parts.reduce((s, p) => s + p[i].quarantined, 0),
      changedCells: sum((r) => r.changedCells),
      flagged: sum((r) => r.flagged ?? {}),
    };
    const total = (r: Record<string, number>) => Object.values(r).reduce((s, v) => s + v, 0);
    return {
      step: merged.step,
      rowsDropped: total(merged.dropped) + merged.quarantined,
      cellsChanged: total(merged.changedCells),
      detail: formatStepReport(merged),
    };
  });
}
