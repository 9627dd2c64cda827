import { sparseCategoricalCrossentropy } from '../nn/losses.js';
import type { Registry } from '../registry/index.js';
import { setSeed } from '../tensor/random.js';
import { Callback, type Logs } from '../train/callback.js';
import {
  backupAndRestore,
  earlyStopping,
  reduceLROnPlateau,
  terminateOnNaN,
} from '../train/callbacks/index.js';
import type { Model } from '../train/model.js';
import { type CallbackConfig, type PipelineConfig, PipelineConfigError } from './config.js';
import type { Task } from './evaluation.js';
import type { Part, Prepared } from './prepare.js';
import { buildModel } from './presets.js';

/** A stage's status line; `transient` ones (a batch counter) are worth showing live but not logging. */
export type StatusUpdate = (status: string, transient?: boolean) => void;

export interface EpochLog {
  epoch: number;
  metrics: Record<string, number>;
}

export interface TrainingSetup {
  config: PipelineConfig;
  /** The pipeline file, named in errors about its model and train sections. */
  path: string;
  registry: Registry;
  runId: string;
  /** Where BackupAndRestore keeps the last completed epoch. */
  checkpoints: string;
  /** The killed run whose checkpoints these are, to copy the seconds of its epochs. */
  resumes?: string;
  update: StatusUpdate;
}

/** The model of the `model` section, compiled as the `train` section says, for this data. */
export function modelFor(prepared: Prepared, config: PipelineConfig, path: string): Model {
  setSeed(config.train.seed);
  return namingFile(path, () => {
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
    return model;
  });
}

/**
 * Trains with a backup after every epoch (a killed run resumes from it) and every epoch logged
 * to the run. Returns the epochs, those before a resume included, and where it resumed.
 */
export async function train(
  model: Model,
  prepared: Prepared,
  setup: TrainingSetup,
): Promise<{ epochs: EpochLog[]; resumedFrom?: number }> {
  const { config, registry, runId } = setup;
  const epochs: EpochLog[] = [];
  let resumedFrom: number | undefined;
  const inputs = (part: Part) => (part.x.length === 1 ? part.x[0] : part.x);
  const history = await model.fit(inputs(prepared.train), prepared.train.y, {
    epochs: config.train.epochs,
    batchSize: config.train.batchSize,
    validationData: [inputs(prepared.validation), prepared.validation.y],
    classWeight: namingFile(setup.path, () => classWeights(config, prepared)),
    callbacks: [
      // Kept until the run is finished: a kill during evaluation must not retrain from scratch.
      backupAndRestore({ backupDir: setup.checkpoints, deleteCheckpoint: false }),
      new ResumeNote((epoch) => {
        resumedFrom = epoch;
      }),
      new Tracking(registry, runId, epochs, setup.update),
      ...userCallbacks(config.train.callbacks),
    ],
    verbose: 0,
  });
  // A resumed fit's History holds the epochs trained before the kill too: the run records them.
  const before = setup.resumes === undefined ? [] : registry.epochs(setup.resumes);
  history.epoch.forEach((epoch, i) => {
    if (epochs.some((e) => e.epoch === epoch + 1)) return;
    const metrics = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]]));
    registry.logEpoch(runId, epoch + 1, metrics, before.find((e) => e.epoch === epoch + 1)?.seconds ?? 0);
    epochs.push({ epoch: epoch + 1, metrics });
  });
  epochs.sort((a, b) => a.epoch - b.epoch);
  return { epochs, ...(resumedFrom !== undefined && { resumedFrom }) };
}

/** Errors about the model and train sections name the pipeline file they are in. */
function namingFile<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PipelineConfigError && !e.message.startsWith(path))
      throw new PipelineConfigError(`${path}: ${e.message}`);
    throw e;
  }
}

function compile(model: Model, config: PipelineConfig, task: Task): void {
  const { optimizer, learningRate } = config.train;
  const { name, ...options } = typeof optimizer === 'string' ? { name: optimizer } : optimizer;
  const loss =
    config.train.loss ??
    (task === 'binary'
      ? 'binaryCrossentropy'
      : task === 'multiclass'
        ? sparseCategoricalCrossentropy()
        : 'meanSquaredError');
  try {
    model.compile({
      optimizer: {
        className: name,
        config: { ...options, ...(learningRate !== undefined && { learningRate }) },
      },
      loss,
      metrics: config.train.metrics ?? (task === 'regression' ? ['mae'] : ['accuracy']),
    });
  } catch (e) {
    throw new PipelineConfigError(`train: ${(e as Error).message}`);
  }
}

export function classWeights(config: PipelineConfig, prepared: Prepared): Record<number, number> | undefined {
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

export function userCallbacks(configs: readonly CallbackConfig[]): Callback[] {
  return configs.map((c, i) => {
    try {
      if ('earlyStopping' in c) return earlyStopping(c.earlyStopping);
      if ('reduceLROnPlateau' in c) return reduceLROnPlateau(c.reduceLROnPlateau);
      return terminateOnNaN();
    } catch (e) {
      throw new PipelineConfigError(`train.callbacks[${i}]: ${(e as Error).message}`);
    }
  });
}

/** Logs each finished epoch to the run and posts the live status line. */
class Tracking extends Callback {
  #epochStart = 0;
  #epoch = 0;
  #last = 0;

  constructor(
    readonly registry: Registry,
    readonly runId: string,
    readonly epochs: EpochLog[],
    readonly update: StatusUpdate,
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
    this.epochs.push({ epoch: epoch + 1, metrics });
    this.update(`epoch ${epoch + 1}/${this.params.epochs} ${formatLogs(logs)}`);
  }
}

/** Notes where a restored backup made training start. */
class ResumeNote extends Callback {
  #first = true;

  constructor(readonly onResume: (epoch: number) => void) {
    super();
  }

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
