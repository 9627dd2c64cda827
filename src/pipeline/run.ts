import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DataError } from '../data/read-errors.js';
import { validate } from '../data/validate.js';
import { type ModelVersion, openRegistry, type Registry, type RunRecord } from '../registry/index.js';
import type { Model } from '../train/model.js';
import {
  type ArtifactMetadata,
  deeplineVersion,
  evaluateOutputs,
  predictFlat,
  writeArtifact,
} from './artifact.js';
import { type AutomationReport, automationValue } from './automation.js';
import { checkAgainstTask, compareMetric } from './checks.js';
import { loadPipelineConfig, type PipelineConfig } from './config.js';
import { type Evaluation, evaluateBinary, mistakes } from './evaluation.js';
import { checkGates, type GateResult } from './gates.js';
import { sourceName } from './image-config.js';
import { flattenParams } from './params.js';
import { type Prepared, prepare } from './prepare.js';
import {
  type Comparison,
  compare,
  currentProduction,
  type Production,
  scoreProduction,
} from './production.js';
import { nextCommands, registerAndPromote } from './promotion.js';
import { type RankingResult, runRecommendation } from './recommendation/run.js';
import { readSource, type Source } from './source.js';
import { type EpochLog, modelFor, type StatusUpdate, train } from './training.js';
import { businessValue, type ValueReport } from './value.js';
import { MAIN_VARIANT } from './variant-config.js';
import { trainVariants, type VariantsReport } from './variants.js';

export type { StatusUpdate } from './training.js';

/** How a surface shows progress: each long stage gets a title and may post a one-line status. */
export interface StageReporter {
  stage<T>(title: string, work: (update: StatusUpdate) => Promise<T>): Promise<T>;
}

const silent: StageReporter = { stage: (_title, work) => work(() => {}) };

export interface RunOptions {
  /** The registry's home (DEEPLINE_HOME or ./.deepline by default). */
  home?: string;
  reporter?: StageReporter;
  /** Stop after training and saving the artifact: no gates, registry or report (`deepline train`). */
  trainOnly?: boolean;
  /** Overrides of the file's train section, from the command line. */
  epochs?: number;
  /** Writes the run's report to `path`; the CLI passes the HTML writer. */
  report?: (result: RunResult, path: string) => Promise<void>;
}

export interface Misclassified {
  pixels: Float32Array;
  width: number;
  height: number;
  channels: 1 | 3;
  actual: string;
  predicted: string;
  confidence: number;
}

export interface RunResult {
  run: RunRecord;
  config: PipelineConfig;
  source: string;
  prepared: Omit<Prepared, 'train' | 'validation' | 'test' | 'testTable' | 'quarantine'>;
  epochs: EpochLog[];
  /** The epoch training resumed after, when a killed run was picked up again. */
  resumedFrom?: number;
  /** Every model trained for comparison, when the pipeline has variants; the chosen one is evaluated below. */
  variants?: VariantsReport;
  evaluation: Evaluation;
  threshold?: number;
  value?: ValueReport;
  /** What letting the model decide alone where it is precise enough saves (value.automation). */
  automation?: AutomationReport;
  /** A recommender's ranking metrics for each model it compared, and their revenue. */
  ranking?: RankingResult;
  gates: { passed: boolean; results: GateResult[] };
  production?: Comparison;
  /** Why the candidate was not compared with production or not promoted, when that happened. */
  notes: string[];
  registered?: ModelVersion;
  promoted: boolean;
  artifactPath: string;
  quarantinePath?: string;
  reportPath?: string;
  misclassified: Misclassified[];
  /** Commands a person would type next. */
  next: string[];
}

/**
 * `deepline run`: read → validate → clean → features → model → train (resumable) → evaluate →
 * business value → gates → register → promote → report, tracked in the registry.
 */
export async function runPipeline(pipelinePath: string, options: RunOptions = {}): Promise<RunResult> {
  const { config, text } = await loadPipelineConfig(pipelinePath);
  if (options.epochs !== undefined) config.train.epochs = options.epochs;
  const registry = openRegistry(options.home);
  try {
    return await new PipelineRun(config, text, resolve(pipelinePath), registry, options).run();
  } finally {
    registry.close();
  }
}

class PipelineRun {
  #run!: RunRecord;
  readonly reporter: StageReporter;

  constructor(
    readonly config: PipelineConfig,
    readonly text: string,
    readonly path: string,
    readonly registry: Registry,
    readonly options: RunOptions,
  ) {
    this.reporter = options.reporter ?? silent;
  }

  async #stage<T>(key: string, title: string, work: (update: StatusUpdate) => Promise<T> | T): Promise<T> {
    const start = performance.now();
    const result = await this.reporter.stage(title, async (update) => work(update));
    if (this.#run) this.registry.logDuration(this.#run.id, key, (performance.now() - start) / 1000);
    return result;
  }

  async run(): Promise<RunResult> {
    const { config, registry } = this;
    const started = performance.now();
    const source = await this.#stage('read', `Read ${sourceName(config.data.source)}`, async (update) => {
      const read = await readSource(config.data, dirname(this.path));
      update(
        read.kind === 'table'
          ? `${read.table.numRows.toLocaleString('en-US')} rows`
          : `${read.train.images.shape[0].toLocaleString('en-US')} training images`,
      );
      return read;
    });
    const readSeconds = (performance.now() - started) / 1000;
    // The same pipeline on the same data, killed before it finished, left its checkpoints: this
    // run claims them (so that two reruns at once do not share them) and picks them up.
    const key = createHash('sha256').update(this.text).update(source.fingerprint).digest('hex').slice(0, 24);
    const claimant = randomBytes(8).toString('hex');
    const failed = registry.claimFailedRun(key, claimant);
    const origin = failed && ((failed.params.checkpointOf as string | undefined) ?? failed.id);
    const resumes = origin && existsSync(this.#checkpoints(origin)) ? failed : undefined;
    this.#run = registry.startRun({
      name: config.name,
      key,
      params: { ...flattenParams(config), ...(resumes && { resumes: resumes.id, checkpointOf: origin! }) },
      pipelinePath: this.path,
      pipelineText: this.text,
      dataFingerprint: source.fingerprint,
    });
    registry.logDuration(this.#run.id, 'read', readSeconds);
    const checkpoints = this.#checkpoints(resumes ? origin! : this.#run.id);
    try {
      if (this.config.data.task === 'recommendation')
        return await runRecommendation(source, {
          config,
          path: this.path,
          registry,
          options: this.options,
          run: this.#run,
          production: await currentProduction(registry, config.name),
          stage: (key, title, work) => this.#stage(key, title, work),
        });
      return await this.#body(source, checkpoints, resumes?.id);
    } catch (e) {
      // A failure after the run was finished (writing the report) leaves its outcome as it was.
      if (registry.getRun(this.#run.id).status === 'running')
        registry.finishRun(this.#run.id, { status: 'failed', error: (e as Error).message });
      throw e;
    }
  }

  #checkpoints(runId: string): string {
    return join(this.registry.home, 'checkpoints', runId);
  }

  async #body(source: Source, checkpoints: string, resumes: string | undefined): Promise<RunResult> {
    const { config, registry, path } = this;
    const runId = this.#run.id;
    const runDir = join(registry.home, 'runs', runId);
    const production = await currentProduction(registry, config.name);
    let prepared = await this.#stage('prepare', 'Profile, validate, clean and transform', (update) =>
      this.#prepare(source, production, update),
    );
    const gates = checkAgainstTask(config, path, prepared.task, prepared.classes.length);
    let quarantinePath: string | undefined;
    if (prepared.quarantine.size > 0) {
      quarantinePath = join(runDir, 'quarantine.csv');
      await mkdir(runDir, { recursive: true });
      await prepared.quarantine.write(quarantinePath);
    }

    let model = modelFor(prepared, config, path);
    let trained = await this.#stage('train', `Train (${config.train.epochs} epochs at most)`, (update) =>
      train(model, prepared, {
        config,
        path,
        registry,
        runId,
        checkpoints,
        ...(resumes && { resumes }),
        update,
      }),
    );
    let variants: VariantsReport | undefined;
    if (config.variants.length > 0) {
      const seconds = registry.getRun(runId).durations.train ?? 0;
      const main = { name: MAIN_VARIANT, config, prepared, model, epochs: trained.epochs, seconds };
      const evaluate = (m: Model, p: Prepared) => this.#evaluate(m, p);
      const title = `Train ${config.variants.length} variant${config.variants.length === 1 ? '' : 's'}`;
      const contest = await this.#stage('variants', title, (update) =>
        trainVariants(source, main, { path, update, evaluate }),
      );
      variants = contest.report;
      if (contest.winner.name !== MAIN_VARIANT) {
        // Same rows and cleaning: what validation found of them holds for the winner too.
        contest.winner.prepared.anomalies = prepared.anomalies;
        ({ prepared, model } = contest.winner);
        trained = { epochs: contest.winner.epochs };
      }
    }
    const tested = await this.#stage('evaluate', 'Evaluate on the test split', (update) => {
      update(`${prepared.split.test.toLocaleString('en-US')} examples`);
      return this.#evaluate(model, prepared);
    });
    const { evaluation, scores, threshold, value, automation } = tested;

    const artifactPath = join(runDir, 'artifact');
    await writeArtifact(model, artifactPath, this.#metadata(source, prepared, evaluation.metrics, threshold));
    registry.setArtifact(runId, artifactPath);
    const result: Omit<RunResult, 'run'> = {
      config,
      source: source.source,
      prepared: strip(prepared),
      epochs: trained.epochs,
      ...(trained.resumedFrom !== undefined && { resumedFrom: trained.resumedFrom }),
      evaluation,
      ...(threshold !== undefined && { threshold }),
      ...(value && { value }),
      ...(automation && { automation }),
      ...(variants && { variants }),
      gates: this.options.trainOnly ? { passed: true, results: [] } : checkGates(gates, evaluation.metrics),
      notes: [],
      promoted: false,
      artifactPath,
      ...(quarantinePath && { quarantinePath }),
      misclassified: misclassified(prepared, evaluation, scores),
      next: [],
    };
    if (!this.options.trainOnly)
      await this.#stage('register', 'Compare, register and promote', () =>
        this.#register(result, production, prepared, runId),
      );
    result.next = nextCommands(result, runId, true);

    let run = registry.finishRun(runId, { status: 'finished', metrics: evaluation.metrics });
    await rm(checkpoints, { recursive: true, force: true });
    if (this.options.report && !this.options.trainOnly) {
      // Relative to the pipeline file, as data.source is.
      const reportPath = config.output.report
        ? resolve(dirname(path), config.output.report)
        : join(registry.home, 'reports', `${config.name}-${runId}.html`);
      await this.#stage('report', 'Write the report', () =>
        this.options.report!({ ...result, run, reportPath }, reportPath),
      );
      result.reportPath = reportPath;
      run = registry.getRun(runId);
    }
    return { ...result, run };
  }

  /** Split, cleaned and transformed; checked against production's schema where there is one. */
  async #prepare(
    source: Source,
    production: Production | undefined,
    update: StatusUpdate,
  ): Promise<Prepared> {
    const prepared = prepare(source, this.config, update);
    const schema = production?.artifact.meta.schema;
    if (schema && source.kind === 'table') {
      update(`validating against production v${production.version.version}'s schema`);
      const result = await validate(source.table, schema);
      prepared.anomalies.push(
        ...result.anomalies.map((a) => ({
          severity: a.severity,
          ...(a.column !== null && { column: a.column }),
          message: `${a.description} (against production v${production.version.version}'s schema)`,
        })),
      );
    }
    const errors = prepared.anomalies.filter((a) => a.severity === 'error');
    if (errors.length > 0 && source.kind === 'images')
      throw new DataError(`${source.source}: ${errors.map((a) => a.message).join('; ')}`);
    return prepared;
  }

  /**
   * Test metrics; a binary model's at its threshold, with its value; the value of automation at
   * the confidence cut. Thresholds and cuts are chosen on the validation split: chosen on the test
   * rows, they would flatter the figures reported on them.
   */
  #evaluate(model: Model, prepared: Prepared) {
    const { config } = this;
    const scores = predictFlat(model, prepared.test.x);
    const labels = prepared.test.y.values;
    let validation: Float32Array | undefined;
    const validationScores = () => {
      validation ??= predictFlat(model, prepared.validation.x);
      return validation;
    };
    const binary = prepared.task === 'binary';
    const spec =
      binary && config.value && !('automation' in config.value)
        ? { ...config.value, positive: prepared.classes[1] }
        : undefined;
    let threshold: number | undefined;
    if (binary) {
      const wanted = config.evaluate.threshold ?? spec?.threshold ?? 0.5;
      threshold =
        wanted === 'best'
          ? businessValue(validationScores(), prepared.validation.y.values, { ...spec!, threshold: 'best' })
              .best.threshold
          : wanted;
    }
    // After the threshold: a binary model's automated decisions are the ones it serves.
    const automation =
      config.value && 'automation' in config.value
        ? automationValue(
            { scores: validationScores(), labels: prepared.validation.y.values },
            { scores, labels },
            {
              spec: config.value.automation,
              width: binary ? 1 : prepared.classes.length,
              per: config.value.per,
              currency: config.value.currency,
              ...(threshold !== undefined && { threshold }),
            },
          )
        : undefined;
    if (threshold === undefined)
      return {
        evaluation: evaluateOutputs(prepared.task, scores, labels, prepared.classes),
        scores,
        automation,
      };
    const evaluation = evaluateBinary(scores, labels, {
      threshold,
      classes: [prepared.classes[0], prepared.classes[1]],
    });
    const value = spec && businessValue(scores, labels, { ...spec, threshold });
    return { evaluation, scores, threshold, value, automation };
  }

  /**
   * TFX's blessing: registered as a candidate if the gates pass; promoted if it also beats the
   * production model on the same test rows, and production did not change while this run trained.
   */
  async #register(
    result: Omit<RunResult, 'run'>,
    production: Production | undefined,
    prepared: Prepared,
    runId: string,
  ) {
    const { config, registry } = this;
    const metric = compareMetric(config, prepared.task);
    if (production) {
      const score = scoreProduction(production, prepared);
      if (score.ok) {
        result.production = compare(production, score, metric, result.evaluation.metrics[metric]);
        if (result.value && config.value && !('automation' in config.value)) {
          const theirs = businessValue(score.scores, score.labels, {
            ...config.value,
            threshold: production.artifact.meta.threshold ?? 0.5,
          });
          result.value.baselines.push({
            name: `production v${production.version.version}`,
            value: theirs.chosen.value,
          });
        }
      } else {
        result.notes.push(
          `production v${production.version.version} could not score the test rows: ${score.reason}`,
        );
      }
    }
    registerAndPromote(registry, config, result, production, runId, metric);
  }

  #metadata(
    source: Source,
    prepared: Prepared,
    metrics: Record<string, number>,
    threshold: number | undefined,
  ): ArtifactMetadata {
    const input: ArtifactMetadata['input'] =
      source.kind === 'images'
        ? { kind: 'image', shape: prepared.inputs.image, scale: 1 / 255, inputName: 'image' }
        : {
            kind: 'table',
            label: this.config.data.label!,
            columns: source.table.columnNames.filter((n) => n !== this.config.data.label),
          };
    return {
      deepline: deeplineVersion,
      pipeline: this.config.name,
      runId: this.#run.id,
      task: prepared.task,
      classes: prepared.classes,
      ...(threshold !== undefined && { threshold }),
      input,
      ...(prepared.cleaning && { cleaning: prepared.cleaning.toJSON() }),
      ...(prepared.features && { features: prepared.features.toJSON() }),
      ...(prepared.schema && { schema: prepared.schema }),
      metrics,
      dataFingerprint: source.fingerprint,
      trainedAt: new Date().toISOString(),
    };
  }
}

function strip(p: Prepared): RunResult['prepared'] {
  const { train: _a, validation: _b, test: _c, testTable: _d, quarantine: _e, ...rest } = p;
  return rest;
}

function misclassified(prepared: Prepared, evaluation: Evaluation, scores: Float32Array): Misclassified[] {
  const image = prepared.inputs.image;
  if (!image || evaluation.task !== 'multiclass') return [];
  const [height, width, channels] = image;
  const size = height * width * channels;
  const pixels = prepared.test.x[0].values as Float32Array;
  return mistakes(scores, prepared.classes.length, prepared.test.y.values, 36).map((m) => ({
    pixels: pixels.slice(m.index * size, (m.index + 1) * size),
    width,
    height,
    channels: channels as 1 | 3,
    actual: prepared.classes[m.actual],
    predicted: prepared.classes[m.predicted],
    confidence: m.confidence,
  }));
}
