import type { FeatureSpec } from '../data/transform/pipeline.js';
import { Callback, type Logs } from '../train/callback.js';
import type { Model } from '../train/model.js';
import { evaluateOutputs, predictFlat } from './artifact.js';
import { compareMetric } from './checks.js';
import { type PipelineConfig, PipelineConfigError } from './config.js';
import type { Evaluation } from './evaluation.js';
import { beatsProduction } from './gates.js';
import { type Part, type Prepared, prepare } from './prepare.js';
import type { Source } from './source.js';
import { classWeights, type EpochLog, modelFor, type StatusUpdate, userCallbacks } from './training.js';

/**
 * Variants: other models trained on the same split as the pipeline's own, for comparison. Each
 * replaces the main `features` and `model` sections where it gives them, and the main `train`
 * section's keys one by one. The best on validation, by `evaluate.compare` (the metric that
 * production is compared on), is the model the run evaluates, registers and serves; every one is
 * scored on the test split too, so the report can show what the choice cost or saved.
 */

/** A trained model with what it was trained on. */
export interface Candidate {
  name: string;
  config: PipelineConfig;
  prepared: Prepared;
  model: Model;
  epochs: EpochLog[];
  /** Seconds its training took. */
  seconds: number;
}

/** What the run's own evaluation says of a model on the test split. */
export interface TestScore {
  evaluation: Evaluation;
  value?: { currency: string; per: number; chosen: { value: number } };
  automation?: { unit: string; money: boolean; per: number; saved: number; chosen: { coverage: number } };
}

export interface VariantSummary {
  name: string;
  /** The model and the features it reads, in a line. */
  description: string;
  parameters: number;
  /** Epochs trained (early stopping may end before train.epochs). */
  epochs: number;
  seconds: number;
  validation: Record<string, number>;
  test: Record<string, number>;
  /** Its business value on the test split, as the value section counts it (`money`: unit is a currency). */
  value?: { amount: number; unit: string; money: boolean; per: number; coverage?: number };
  chosen: boolean;
}

export interface VariantsReport {
  /** The validation metric that chose, and whether lower is better. */
  metric: string;
  chosen: string;
  variants: VariantSummary[];
}

export interface VariantSetup {
  /** The pipeline file, named in errors. */
  path: string;
  update: StatusUpdate;
  /** The run's own test evaluation (threshold and value included), applied to each model alike. */
  evaluate: (model: Model, prepared: Prepared) => TestScore;
}

/** The pipeline's sections with a variant's in their place. */
export function variantConfig(config: PipelineConfig, index: number): PipelineConfig {
  const v = config.variants[index];
  return {
    ...config,
    ...(v.features !== undefined && { features: v.features as FeatureSpec['columns'] }),
    ...(v.model !== undefined && { model: v.model }),
    train: { ...config.train, ...v.train },
    variants: [],
  };
}

/** Trains every variant beside `main` (already trained), scores them all, and picks the winner. */
export async function trainVariants(
  source: Source,
  main: Candidate,
  setup: VariantSetup,
): Promise<{ winner: Candidate; report: VariantsReport }> {
  const candidates = [main];
  for (const [i, v] of main.config.variants.entries()) {
    const at = `variants[${i}] (${v.name})`;
    setup.update(`${v.name}: preparing`);
    const config = variantConfig(main.config, i);
    // The same cleaning and split; only features fitted differently need fitting again.
    const prepared = v.features === undefined ? main.prepared : prepare(source, config);
    const candidate = await naming(setup.path, at, async () => {
      const model = modelFor(prepared, config, setup.path);
      const started = performance.now();
      const epochs = await fitVariant(model, prepared, config, (status) =>
        setup.update(`${v.name}: ${status}`, true),
      );
      return { name: v.name, config, prepared, model, epochs, seconds: (performance.now() - started) / 1000 };
    });
    setup.update(`${v.name}: ${candidate.epochs.length} epochs in ${candidate.seconds.toFixed(1)} s`);
    candidates.push(candidate);
  }
  const metric = compareMetric(main.config, main.prepared.task);
  const validation = candidates.map((c) => validationMetrics(c.model, c.prepared));
  let best = 0;
  for (let i = 1; i < candidates.length; i++)
    if (beatsProduction(metric, validation[i][metric], validation[best][metric])) best = i;
  const variants = candidates.map((c, i) =>
    summarize(c, validation[i], setup.evaluate(c.model, c.prepared), i === best),
  );
  return { winner: candidates[best], report: { metric, chosen: candidates[best].name, variants } };
}

/** Errors about a variant's sections say which variant they are in, after the file's name. */
async function naming<T>(path: string, at: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof PipelineConfigError)) throw e;
    const message = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
    throw new PipelineConfigError(`${path}: ${at}: ${message}`);
  }
}

/**
 * The fit of the main model without its run bookkeeping: the registry's epochs and the
 * checkpoints belong to the main model, so a resumed run trains its variants again.
 */
async function fitVariant(
  model: Model,
  prepared: Prepared,
  config: PipelineConfig,
  status: (line: string) => void,
): Promise<EpochLog[]> {
  const inputs = (part: Part) => (part.x.length === 1 ? part.x[0] : part.x);
  const history = await model.fit(inputs(prepared.train), prepared.train.y, {
    epochs: config.train.epochs,
    batchSize: config.train.batchSize,
    validationData: [inputs(prepared.validation), prepared.validation.y],
    classWeight: classWeights(config, prepared),
    callbacks: [new Status(status), ...userCallbacks(config.train.callbacks)],
    verbose: 0,
  });
  return history.epoch.map((epoch, i) => ({
    epoch: epoch + 1,
    metrics: Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]])),
  }));
}

function validationMetrics(model: Model, prepared: Prepared): Record<string, number> {
  const scores = predictFlat(model, prepared.validation.x);
  return evaluateOutputs(prepared.task, scores, prepared.validation.y.values, prepared.classes).metrics;
}

function summarize(
  c: Candidate,
  validation: Record<string, number>,
  tested: TestScore,
  chosen: boolean,
): VariantSummary {
  const { value, automation } = tested;
  return {
    name: c.name,
    description: describeCandidate(c.config),
    parameters: c.model.countParams(),
    epochs: c.epochs.length,
    seconds: c.seconds,
    validation,
    test: tested.evaluation.metrics,
    ...(value && {
      value: { amount: value.chosen.value, unit: value.currency, money: true, per: value.per },
    }),
    ...(automation && {
      value: {
        amount: automation.saved,
        unit: automation.unit,
        money: automation.money,
        per: automation.per,
        coverage: automation.chosen.coverage,
      },
    }),
    chosen,
  };
}

/** 'text preset (embeddingDim 64, units 128) on text: int (tokens 20000, ngrams 2)' */
export function describeCandidate(config: PipelineConfig): string {
  const m = config.model;
  const model =
    'layers' in m
      ? `${m.layers.length} layers (${m.layers.map((l) => l.type).join(' → ')})`
      : `${m.preset} preset${settings(m, ['embeddingDim', 'units', 'filters', 'dropout'])}`;
  if (config.features === 'auto') return `${model} on automatic features`;
  const columns = Object.entries(config.features).map(([column, specs]) => {
    const list = (Array.isArray(specs) ? specs : [specs]) as Record<string, unknown>[];
    return `${column}: ${list.map(describeTransform).join(' + ')}`;
  });
  return `${model} on ${columns.join('; ')}`;
}

/** 'words int (tokens 10000)': a text transform by its name and output, others by their kind. */
function describeTransform(spec: Record<string, unknown>): string {
  const name = [spec.name, spec.output ?? spec.kind].filter(Boolean).join(' ');
  const tokens = spec.maxTokens === undefined ? {} : { tokens: spec.maxTokens };
  const detail = settings({ ...tokens, ngrams: spec.ngrams, split: spec.split }, [
    'tokens',
    'ngrams',
    'split',
  ]);
  return `${name}${detail}`;
}

function settings(spec: object, keys: readonly string[]): string {
  const given = keys
    .filter((k) => (spec as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${k} ${String((spec as Record<string, unknown>)[k])}`);
  return given.length > 0 ? ` (${given.join(', ')})` : '';
}

/** Posts each finished epoch of a variant to the stage's status line. */
class Status extends Callback {
  constructor(readonly post: (line: string) => void) {
    super();
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const shown = Object.entries(logs)
      .filter(([k, v]) => typeof v === 'number' && (k === 'loss' || k.startsWith('val_')))
      .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
      .join(' · ');
    this.post(`epoch ${epoch + 1}/${this.params.epochs} ${shown}`);
  }
}
