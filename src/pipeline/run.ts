import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DataError } from '../data/read-errors.js';
import { validate } from '../data/validate.js';
import { sparseCategoricalCrossentropy } from '../nn/losses.js';
import { type ModelVersion, openRegistry, type Registry, type RunRecord } from '../registry/index.js';
import { setSeed } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Callback, type Logs } from '../train/callback.js';
import {
  backupAndRestore,
  earlyStopping,
  reduceLROnPlateau,
  terminateOnNaN,
} from '../train/callbacks/index.js';
import type { Model } from '../train/model.js';
import {
  type Artifact,
  type ArtifactMetadata,
  deeplineVersion,
  evaluateOutputs,
  loadArtifact,
  writeArtifact,
} from './artifact.js';
import {
  type CallbackConfig,
  loadPipelineConfig,
  type PipelineConfig,
  PipelineConfigError,
} from './config.js';
import { type Evaluation, evaluateBinary, mistakes, type Task } from './evaluation.js';
import { beatsProduction, checkGates, type GateResult, type GateSpec, parseGate } from './gates.js';
import { type Prepared, prepare } from './prepare.js';
import { buildModel } from './presets.js';
import { readSource } from './source.js';
import { businessValue, type ValueReport } from './value.js';

/** How a surface shows progress: each long stage gets a title and may post a one-line status. */
export interface StageReporter {
  stage<T>(title: string, work: (update: StatusUpdate) => Promise<T>): Promise<T>;
}

/** A stage's status line; `transient` ones (a batch counter) are worth showing live but not logging. */
export type StatusUpdate = (status: string, transient?: boolean) => void;

const silent: StageReporter = { stage: (_title, work) => work(() => {}) };

export interface RunOptions {
  /** The registry's home (DEEPLINE_HOME or ./.deepline by default). */
  home?: string;
  reporter?: StageReporter;
  /** Stop after training and saving the artifact: no gates, registry or report (`deepline train`). */
  trainOnly?: boolean;
  /** Overrides of the file's train section, from the command line. */
  epochs?: number;
  /** Writes the run's report and returns its path; the CLI passes the HTML writer. */
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
  epochs: { epoch: number; metrics: Record<string, number> }[];
  /** The epoch training resumed after, when a killed run was picked up again. */
  resumedFrom?: number;
  evaluation: Evaluation;
  threshold?: number;
  value?: ValueReport;
  gates: { passed: boolean; results: GateResult[] };
  production?: { version: number; metric: string; candidate: number; production: number };
  registered?: ModelVersion;
  promoted: boolean;
  artifactPath: string;
  quarantinePath?: string;
  reportPath?: string;
  misclassified: Misclassified[];
}

/**
 * `deepline run`: read → validate → clean → features → model → train (resumable) → evaluate →
 * business value → gates → register → promote → report, tracked in the registry.
 */
export async function runPipeline(pipelinePath: string, options: RunOptions = {}): Promise<RunResult> {
  const reporter = options.reporter ?? silent;
  const { config, text } = await loadPipelineConfig(pipelinePath);
  if (options.epochs !== undefined) config.train.epochs = options.epochs;
  const registry = openRegistry(options.home);
  try {
    return await new PipelineRun(config, text, resolve(pipelinePath), registry, reporter, options).run();
  } finally {
    registry.close();
  }
}

class PipelineRun {
  #run!: RunRecord;
  /** The failed run whose checkpoint this one picks up, if any. */
  #resumes: string | undefined;

  constructor(
    readonly config: PipelineConfig,
    readonly text: string,
    readonly path: string,
    readonly registry: Registry,
    readonly reporter: StageReporter,
    readonly options: RunOptions,
  ) {}

  async #stage<T>(key: string, title: string, work: (update: StatusUpdate) => Promise<T> | T): Promise<T> {
    const start = performance.now();
    const result = await this.reporter.stage(title, async (update) => work(update));
    if (this.#run) this.registry.logDuration(this.#run.id, key, (performance.now() - start) / 1000);
    return result;
  }

  async run(): Promise<RunResult> {
    const { config } = this;
    const started = performance.now();
    const source = await this.#stage('read', `Read ${config.data.source}`, () =>
      readSource(config.data, dirname(this.path)),
    );
    const readSeconds = (performance.now() - started) / 1000;
    const key = createHash('sha256').update(this.text).update(source.fingerprint).digest('hex').slice(0, 24);
    // The same pipeline on the same data, killed before it finished, left its checkpoints: pick
    // them up. Each run otherwise gets its own folder, so identical runs at once do not collide.
    const failed = this.registry.lastFailedRun(key);
    const left = failed?.params.checkpoints;
    const resumable = typeof left === 'string' && existsSync(left) ? failed : undefined;
    const checkpoints = resumable
      ? (left as string)
      : join(this.registry.home, 'checkpoints', `${key}-${randomBytes(4).toString('hex')}`);
    this.#resumes = resumable?.id;
    this.#run = this.registry.startRun({
      name: config.name,
      key,
      params: { ...flatParams(config), checkpoints, ...(resumable && { resumes: resumable.id }) },
      pipelinePath: this.path,
      pipelineText: this.text,
      dataFingerprint: source.fingerprint,
    });
    this.registry.logDuration(this.#run.id, 'read', readSeconds);
    try {
      return await this.#body(source, checkpoints);
    } catch (e) {
      // A failure after the run was finished (writing the report) leaves its outcome as it was.
      if (this.registry.getRun(this.#run.id).status === 'running')
        this.registry.finishRun(this.#run.id, { status: 'failed', error: (e as Error).message });
      throw e;
    }
  }

  async #body(source: Awaited<ReturnType<typeof readSource>>, checkpoints: string): Promise<RunResult> {
    const { config, registry } = this;
    const runId = this.#run.id;
    const runDir = join(registry.home, 'runs', runId);
    const production = await this.#production();
    const prepared = await this.#stage('prepare', 'Profile, validate, clean and transform', async () => {
      const p = prepare(source, config);
      const schema = production?.artifact.meta.schema;
      if (schema && source.kind === 'table') {
        const result = await validate(source.table, schema);
        p.anomalies.push(
          ...result.anomalies.map((a) => ({
            severity: a.severity,
            ...(a.column !== null && { column: a.column }),
            message: `${a.description} (against production v${production.version.version}'s schema)`,
          })),
        );
      }
      const errors = p.anomalies.filter((a) => a.severity === 'error');
      if (errors.length > 0 && source.kind === 'images')
        throw new DataError(`${source.source}: ${errors.map((a) => a.message).join('; ')}`);
      return p;
    });
    let quarantinePath: string | undefined;
    if (prepared.quarantine.size > 0) {
      quarantinePath = join(runDir, 'quarantine.csv');
      await mkdir(runDir, { recursive: true });
      await prepared.quarantine.write(quarantinePath);
    }

    setSeed(config.train.seed);
    const model = buildModel(
      config.model,
      {
        inputs: prepared.inputs,
        inputDims: prepared.inputDims,
        task: prepared.task,
        classes: prepared.classes.length,
      },
      config.name.replace(/[^A-Za-z0-9_]/g, '_'),
    );
    compile(model, config, prepared.task);
    const epochs: RunResult['epochs'] = [];
    const tracking = new Tracking(registry, runId, epochs);
    let resumedFrom: number | undefined;
    await this.#stage('train', `Train (${config.train.epochs} epochs at most)`, async (update) => {
      tracking.update = update;
      const backup = backupAndRestore({ backupDir: checkpoints });
      const resume = new ResumeNote((epoch) => {
        resumedFrom = epoch;
      });
      const history = await model.fit(
        prepared.train.x.length === 1 ? prepared.train.x[0] : prepared.train.x,
        prepared.train.y,
        {
          epochs: config.train.epochs,
          batchSize: config.train.batchSize,
          validationData: [
            prepared.validation.x.length === 1 ? prepared.validation.x[0] : prepared.validation.x,
            prepared.validation.y,
          ],
          classWeight: classWeights(config, prepared),
          callbacks: [backup, resume, tracking, ...userCallbacks(config.train.callbacks)],
          verbose: 0,
        },
      );
      // A resumed fit's History holds the epochs trained before the kill too: the run records them.
      const before = resumedFrom === undefined ? [] : registry.epochs(this.#resumes!);
      history.epoch.forEach((epoch, i) => {
        if (epochs.some((e) => e.epoch === epoch + 1)) return;
        const metrics = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]]));
        registry.logEpoch(runId, epoch + 1, metrics, before.find((e) => e.epoch === epoch + 1)?.seconds ?? 0);
        epochs.push({ epoch: epoch + 1, metrics });
      });
      epochs.sort((a, b) => a.epoch - b.epoch);
    });

    const evaluation = await this.#stage('evaluate', 'Evaluate on the test split', () =>
      evaluate(model, prepared.test.x, prepared.test.y, prepared),
    );
    const scores = evaluation.scores;
    let value: ValueReport | undefined;
    let threshold: number | undefined;
    if (prepared.task === 'binary') {
      const wanted = config.evaluate.threshold ?? config.value?.threshold ?? 0.5;
      if (wanted === 'best' && !config.value)
        throw new PipelineConfigError(
          `${this.path}: evaluate.threshold 'best' needs a value section to say what is best`,
        );
      // 'best' is chosen on the validation split: chosen on the test rows, the value reported on
      // them would flatter the model.
      threshold =
        wanted === 'best'
          ? businessValue(scoresOf(model, prepared.validation.x), prepared.validation.y.values, {
              ...config.value!,
              threshold: 'best',
            }).best.threshold
          : wanted;
      const labels = prepared.test.y.values;
      if (config.value) value = businessValue(scores, labels, { ...config.value, threshold });
      Object.assign(
        evaluation.summary,
        evaluateBinary(scores, labels, { threshold, classes: binaryClasses(prepared) }),
      );
    }

    const artifactPath = join(runDir, 'artifact');
    await writeArtifact(
      model,
      artifactPath,
      this.#metadata(source, prepared, evaluation.summary.metrics, threshold),
    );
    registry.setArtifact(runId, artifactPath);
    const base: Omit<RunResult, 'gates' | 'promoted' | 'run'> = {
      config,
      source: source.source,
      prepared: strip(prepared),
      epochs,
      ...(resumedFrom !== undefined && { resumedFrom }),
      evaluation: evaluation.summary,
      ...(threshold !== undefined && { threshold }),
      ...(value && { value }),
      artifactPath,
      ...(quarantinePath && { quarantinePath }),
      misclassified: misclassified(prepared, evaluation.summary, scores),
    };
    if (this.options.trainOnly) {
      const run = registry.finishRun(runId, { status: 'finished', metrics: evaluation.summary.metrics });
      await rm(checkpoints, { recursive: true, force: true });
      return { ...base, run, gates: { passed: true, results: [] }, promoted: false };
    }

    const gateSpecs: GateSpec[] = config.evaluate.gates.map((g) =>
      typeof g === 'string' ? parseGate(g) : g,
    );
    const gates = checkGates(gateSpecs, evaluation.summary.metrics);
    const result: Omit<RunResult, 'run'> = { ...base, gates, promoted: false };
    await this.#stage('register', 'Compare, register and promote', async () => {
      if (production) {
        const theirs = scoreProduction(production.artifact, prepared);
        const metric = config.evaluate.compare ?? defaultCompare(prepared.task);
        const ours = evaluation.summary.metrics[metric];
        if (ours === undefined)
          throw new PipelineConfigError(
            `${this.path}: evaluate.compare: no metric '${metric}'; the model has ${Object.keys(evaluation.summary.metrics).join(', ')}`,
          );
        result.production = {
          version: production.version.version,
          metric,
          candidate: ours,
          production: theirs.metrics[metric] ?? Number.NaN,
        };
        if (value && config.value && theirs.scores && theirs.labels) {
          const valued = businessValue(theirs.scores, theirs.labels, {
            ...config.value,
            threshold: production.artifact.meta.threshold ?? 0.5,
          });
          value.baselines.push({
            name: `production v${production.version.version}`,
            value: valued.chosen.value,
          });
        }
      }
      if (!config.output.register || !gates.passed) return;
      result.registered = registry.registerModel({
        name: config.name,
        source: artifactPath,
        runId,
        metrics: evaluation.summary.metrics,
      });
      const beats =
        !result.production ||
        beatsProduction(result.production.metric, result.production.candidate, result.production.production);
      if (config.output.promote === 'auto' && beats) {
        result.registered = registry.promote(
          config.name,
          result.registered.version,
          result.production
            ? `${result.production.metric} ${fmt(result.production.candidate)} beats v${result.production.version}'s ${fmt(result.production.production)}`
            : 'first model to pass the gates',
        );
        result.promoted = true;
      }
    });

    let run = registry.finishRun(runId, { status: 'finished', metrics: evaluation.summary.metrics });
    await rm(checkpoints, { recursive: true, force: true });
    if (this.options.report) {
      const reportPath = resolve(
        config.output.report ?? join(registry.home, 'reports', `${config.name}-${runId}.html`),
      );
      await this.#stage('report', 'Write the report', () =>
        this.options.report!({ ...result, run, reportPath }, reportPath),
      );
      result.reportPath = reportPath;
      run = registry.getRun(runId);
    }
    return { ...result, run };
  }

  async #production(): Promise<{ version: ModelVersion; artifact: Artifact } | undefined> {
    const current = this.registry.listModels().find((m) => m.name === this.config.name);
    if (current?.production == null) return undefined;
    const version = this.registry.resolve({ name: this.config.name, stage: 'production' });
    return { version, artifact: await loadArtifact(version.path) };
  }

  #metadata(
    source: Awaited<ReturnType<typeof readSource>>,
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

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function strip(p: Prepared): RunResult['prepared'] {
  const { train: _a, validation: _b, test: _c, testTable: _d, quarantine: _e, ...rest } = p;
  return rest;
}

function flatParams(config: PipelineConfig): Record<string, unknown> {
  return {
    source: config.data.source,
    model: 'preset' in config.model ? config.model.preset : `${config.model.layers.length} layers`,
    epochs: config.train.epochs,
    batchSize: config.train.batchSize,
    optimizer:
      typeof config.train.optimizer === 'string' ? config.train.optimizer : config.train.optimizer.name,
    ...(config.train.learningRate !== undefined && { learningRate: config.train.learningRate }),
    seed: config.train.seed,
  };
}

function compile(model: Model, config: PipelineConfig, task: Task): void {
  const { optimizer, learningRate } = config.train;
  const spec = typeof optimizer === 'string' ? { name: optimizer } : optimizer;
  const { name, ...options } = spec;
  const loss =
    config.train.loss ??
    (task === 'binary'
      ? 'binaryCrossentropy'
      : task === 'multiclass'
        ? sparseCategoricalCrossentropy()
        : 'meanSquaredError');
  model.compile({
    optimizer: {
      className: name,
      config: { ...options, ...(learningRate !== undefined && { learningRate }) },
    },
    loss,
    metrics: config.train.metrics ?? (task === 'regression' ? ['mae'] : ['accuracy']),
  });
}

function classWeights(config: PipelineConfig, prepared: Prepared): Record<number, number> | undefined {
  const spec = config.train.classWeight;
  if (spec === undefined) return undefined;
  if (prepared.task === 'regression')
    throw new PipelineConfigError('train.classWeight: a regression has no classes to weight');
  if (spec !== 'balanced') {
    const out: Record<number, number> = {};
    for (const [label, w] of Object.entries(spec)) {
      const i = prepared.classes.indexOf(label);
      if (i < 0)
        throw new PipelineConfigError(
          `train.classWeight: no class '${label}'; the classes are ${prepared.classes.join(', ')}`,
        );
      out[i] = w;
    }
    return out;
  }
  // scikit-learn's 'balanced': n / (classes × count of the class).
  const counts = new Array<number>(prepared.classes.length).fill(0);
  for (const v of prepared.train.y.values) counts[Number(v)]++;
  const n = prepared.train.y.shape[0];
  return Object.fromEntries(counts.map((c, i) => [i, c > 0 ? n / (counts.length * c) : 1]));
}

function userCallbacks(configs: readonly CallbackConfig[]): Callback[] {
  return configs.map((c) => {
    if ('earlyStopping' in c) return earlyStopping(c.earlyStopping);
    if ('reduceLROnPlateau' in c) return reduceLROnPlateau(c.reduceLROnPlateau);
    return terminateOnNaN();
  });
}

/** Logs each finished epoch to the registry and posts the live status line. */
class Tracking extends Callback {
  update: StatusUpdate = () => {};
  #epochStart = 0;
  #epoch = 0;
  #last = 0;

  constructor(
    readonly registry: Registry,
    readonly runId: string,
    readonly epochs: RunResult['epochs'],
  ) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    this.#epoch = epoch;
    this.#epochStart = performance.now();
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const now = performance.now();
    if (now - this.#last < 200) return;
    this.#last = now;
    const steps = this.params.steps;
    const done = steps ? Math.round(((batch + 1) / steps) * 30) : 0;
    const bar = steps ? `${'━'.repeat(done)}${' '.repeat(30 - done)} ${batch + 1}/${steps}` : `${batch + 1}`;
    this.update(`epoch ${this.#epoch + 1}/${this.params.epochs} ${bar} ${formatLogs(logs)}`, true);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const metrics = Object.fromEntries(
      Object.entries(logs).filter(([, v]) => typeof v === 'number'),
    ) as Record<string, number>;
    this.registry.logEpoch(this.runId, epoch + 1, metrics, (performance.now() - this.#epochStart) / 1000);
    const i = this.epochs.findIndex((e) => e.epoch === epoch + 1);
    if (i >= 0) this.epochs.splice(i, 1);
    this.epochs.push({ epoch: epoch + 1, metrics });
    this.update(`epoch ${epoch + 1}/${this.params.epochs} ${formatLogs(logs)}`);
  }
}

/** Notes where a restored backup made training start. */
class ResumeNote extends Callback {
  constructor(readonly onResume: (epoch: number) => void) {
    super();
  }

  #first = true;

  override onEpochBegin(epoch: number): void {
    if (this.#first && epoch > 0) this.onResume(epoch);
    this.#first = false;
  }
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
    .join(' · ');
}

function defaultCompare(task: Task): string {
  return task === 'binary' ? 'auc' : task === 'multiclass' ? 'accuracy' : 'rmse';
}

function binaryClasses(prepared: Prepared): [string, string] {
  return [prepared.classes[0], prepared.classes[1]];
}

/** Test metrics; `scores` is P(positive) for a binary model, the flat probabilities otherwise. */
function evaluate(
  model: Model,
  xs: Tensor[],
  y: Tensor,
  prepared: Prepared,
): { summary: Evaluation; scores: Float32Array } {
  const scores = scoresOf(model, xs);
  return { summary: evaluateOutputs(prepared.task, scores, y.values, prepared.classes), scores };
}

function scoresOf(model: Model, xs: Tensor[]): Float32Array {
  const out = model.predict(xs.length === 1 ? xs[0] : xs, { batchSize: 256 }) as Tensor;
  return Float32Array.from(out.values as Float32Array);
}

/** The production model scored on the same raw test rows, through its own cleaning and features. */
function scoreProduction(
  artifact: Artifact,
  prepared: Prepared,
): { metrics: Record<string, number>; scores?: Float32Array; labels?: ArrayLike<number> } {
  if (prepared.testTable) {
    const scored = artifact.scoreTable(prepared.testTable);
    if (!scored.labels) return { metrics: {} };
    const evaluation = artifact.evaluate(scored.outputs, scored.labels);
    return { metrics: evaluation.metrics, scores: scored.outputs, labels: scored.labels };
  }
  const { outputs } = artifact.predict(prepared.test.x);
  return { metrics: artifact.evaluate(outputs, prepared.test.y.values).metrics };
}

function misclassified(prepared: Prepared, evaluation: Evaluation, scores: Float32Array): Misclassified[] {
  const image = prepared.inputs.image;
  if (!image || evaluation.task !== 'multiclass') return [];
  const [height, width, channels] = image;
  const size = height * width * channels;
  const pixels = prepared.test.x[0].values as Float32Array;
  const k = prepared.classes.length;
  return mistakes(scores, k, prepared.test.y.values, 36).map((m) => ({
    pixels: pixels.slice(m.index * size, (m.index + 1) * size),
    width,
    height,
    channels: channels as 1 | 3,
    actual: prepared.classes[m.actual],
    predicted: prepared.classes[m.predicted],
    confidence: m.confidence,
  }));
}
