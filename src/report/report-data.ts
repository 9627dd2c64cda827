import type { AutomationReport } from '../pipeline/automation.js';
import type { ClassReport, Evaluation as PipelineEvaluation } from '../pipeline/evaluation.js';
import type { GateResult } from '../pipeline/gates.js';
import type { RankingResult } from '../pipeline/recommendation/run.js';
import type { ValuePoint, ValueReport } from '../pipeline/value.js';
import type { VariantsReport } from '../pipeline/variants.js';
/**
 * Everything one run report shows. The pipeline runner fills it; every section except the run
 * summary and the evaluation is optional and appears only when its data is present.
 */
export interface ReportData {
  /** e.g. 'churn — run 3f2a9c01d2e4' */
  title: string;
  /** ISO 8601 */
  generatedAt: string;
  run: RunInfo;
  data?: DataReport;
  training?: { epochs: EpochMetrics[] };
  /** The models trained for comparison, when the pipeline has variants. */
  variants?: Variants;
  evaluation: Evaluation;
  /** A recommender's models side by side, in place of the evaluation's table, and their revenue. */
  ranking?: Ranking;
  value?: BusinessValue;
  automation?: Automation;
  gates?: Gate[];
  registry?: RegistryOutcome;
  /** Commands to run next, e.g. 'deepline serve --model churn@production'. */
  next?: string[];
}

export interface RunInfo {
  id: string;
  name: string;
  status: string;
  startedAt: string;
  /** Stage name → seconds. */
  durations: Record<string, number>;
  params: Record<string, unknown>;
}

export interface DataReport {
  source: string;
  /** input = kept + dropped + quarantined */
  rows: { input: number; kept: number; dropped: number; quarantined: number };
  cleaning: CleaningSummary[];
  profile?: ColumnSummary[];
  anomalies?: Anomaly[];
  /** `unit` names what the counts count when it is not table rows (images, customer × product pairs). */
  split: { train: number; validation: number; test: number; unit?: string };
}

export interface CleaningSummary {
  step: string;
  rowsDropped: number;
  cellsChanged: number;
  detail?: string;
}

export interface ColumnSummary {
  name: string;
  type: string;
  missing: number;
  distinct: number;
  min?: number;
  max?: number;
  mean?: number;
  top?: { value: string; count: number }[];
  histogram?: HistogramBin[];
}

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

export interface Anomaly {
  severity: 'error' | 'warning';
  column?: string;
  message: string;
}

/** Keys like 'loss', 'val_loss', 'accuracy', 'val_accuracy': each pair is charted train vs validation. */
export interface EpochMetrics {
  epoch: number;
  metrics: Record<string, number>;
}

/** The pipeline's test-set evaluation, with the mistakes of an image model to show. */
export interface Evaluation extends PipelineEvaluation {
  misclassified?: MisclassifiedImage[];
}

export type ClassMetrics = ClassReport;

export interface MisclassifiedImage {
  /** Row-major, channels interleaved; 0..1 when `scale` is 1, 0..255 when it is 255. */
  pixels: ArrayLike<number>;
  scale: 1 | 255;
  width: number;
  height: number;
  channels: 1 | 3;
  actual: string;
  predicted: string;
  /** The model's probability for `predicted`, 0..1. */
  confidence: number;
}

/** The pipeline's value of automation: coverage and savings at the confidence cut. */
export type Automation = AutomationReport;

/** Every model a run trained on the same split, and which one it chose on validation. */
export type Variants = VariantsReport;

/** A recommender's ranking metrics for each model it compared, and what their lists earn. */
export type Ranking = RankingResult;

/** The pipeline's value report; the matrix behind it is in its description. */
export type BusinessValue = Omit<ValueReport, 'matrix'>;

export type ThresholdValue = ValuePoint;

export type Gate = GateResult;

export interface RegistryOutcome {
  model: string;
  version: number;
  stage: string;
  comparedWith?: { version: number; metric: string; candidate: number; production: number };
}
