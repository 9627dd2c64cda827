import { readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkOptions, optionNames } from '../../nn/serialize.js';
import { DeeplineError, messages, ValueError } from '../../tensor/errors.js';
import { getRngState, type RngState, setRngState } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Callback, type CallbackState, isStateful, type Logs, type StatefulCallback } from '../callback.js';
import type { RestoredRun, RunRestorer } from '../fit.js';
import { loadArtifact } from '../load.js';
import { Model } from '../model.js';
import { ArtifactError, type NamedTensor, saveModel } from '../save.js';

export interface BackupAndRestoreOptions {
  /** The folder the backup lives in: fit resumes from it, and empties and removes it when done. */
  backupDir: string;
  /** Delete the backup when fit ends normally (early stopping included). Default true. */
  deleteCheckpoint?: boolean;
}

/** History's record of the epochs run, as fit hands it back. */
type EpochRecord = RestoredRun['history'];

/**
 * A callback state value in JSON, which has no NaN or Infinity and no tensors: those are
 * written as objects, the tensors into weights.bin as `callbacks/<i>/<key>/<j>`.
 */
type SavedValue = string | number | boolean | null | { number: string } | { tensors: number };

/** What each backup's model.json carries besides the model, under `metadata`. */
type BackupMetadata = {
  /** The last epoch done (0-based). */
  epoch: number;
  /** The global random stream at that epoch's end, which is where the next epoch's starts. */
  rngState: RngState;
  /** Every epoch's logs so far; JSON has no NaN or Infinity, so those are kept as strings. */
  history: { epoch: number[]; history: Record<string, (number | string)[]> };
  /** Whether a callback had stopped training (EarlyStopping), so that the resumed run stops too. */
  stopped: boolean;
  /** The state of each callback of the fit that keeps one, in the fit's order. */
  callbacks: { className: string; state: Record<string, SavedValue> }[];
};

// The pointer names the one complete backup; it is replaced by a rename, so a kill at any instant
// leaves it naming either the previous backup or the new one, each of them whole.
const POINTER = 'latest.json';
const PARTIAL_POINTER = `${POINTER}.partial`;
const BACKUP = /^epoch-\d+$/;

/**
 * Keras's BackupAndRestore: after every epoch the model, its optimizer state, the epoch, the
 * global random stream, the logs so far and the state of every stateful callback (EarlyStopping's
 * patience count and best weights, ReduceLROnPlateau's, ModelCheckpoint's best) are saved in
 * `backupDir`; when fit starts and a backup is there, they are put back into the model being
 * trained (which must be built and compiled the same way) and into the fit's callbacks (which
 * must be of the same classes in the same order), and fit goes on with the next epoch, so the
 * finished model is the one an uninterrupted run with the same seed gives, bit for bit. When fit
 * ends normally the backup is deleted, unless deleteCheckpoint is false.
 *
 * Unlike Keras, the History of a resumed fit holds the epochs run before the interruption too,
 * so it is the History of the uninterrupted run, and other callbacks' state is restored.
 *
 * The backup is taken once every callback has ended the epoch, wherever this one stands in the
 * list, so it holds the state they leave; an epoch whose end failed is not backed up, and runs
 * again on resume. Exactness needs every draw to come from the global stream: a Dropout layer or
 * a Dataset.shuffle given its own seed counts its calls in memory, and that count starts over.
 */
export class BackupAndRestore extends Callback implements RunRestorer {
  readonly backupDir: string;
  readonly deleteCheckpoint: boolean;
  #record: EpochRecord = { epoch: [], history: {} };

  constructor(options: BackupAndRestoreOptions) {
    super();
    checkOptions(
      'BackupAndRestore',
      options ?? {},
      optionNames<BackupAndRestoreOptions>({ backupDir: true, deleteCheckpoint: true }),
    );
    const { backupDir, deleteCheckpoint = true } = options ?? {};
    if (typeof backupDir !== 'string' || backupDir === '') {
      throw new ValueError(
        messages.invalidArgument('BackupAndRestore', 'backupDir', backupDir, 'a non-empty path'),
      );
    }
    if (typeof deleteCheckpoint !== 'boolean') {
      throw new ValueError(
        messages.invalidArgument('BackupAndRestore', 'deleteCheckpoint', deleteCheckpoint, 'true or false'),
      );
    }
    this.backupDir = backupDir;
    this.deleteCheckpoint = deleteCheckpoint;
  }

  async resumeRun(callbacks: readonly Callback[]): Promise<RestoredRun | null> {
    this.#record = { epoch: [], history: {} };
    const folder = await this.#latest();
    if (folder === null) return null;
    const dir = join(this.backupDir, folder);
    const model = this.#trainee();
    const path = join(dir, 'model.json');
    if (!model.built) {
      throw new DeeplineError(
        `BackupAndRestore: restoring ${dir} needs the model built before fit; give its first layer an inputShape`,
      );
    }
    const { model: saved, json, extra } = await loadArtifact(dir);
    const metadata = readMetadata(json.metadata, path);
    if (
      architecture(saved) !== architecture(model) ||
      saved.optimizer.className !== model.optimizer.className
    ) {
      throw new ArtifactError(
        `BackupAndRestore: the backup in ${dir} is of another model (its layers, their wiring or its ` +
          `optimizer differ from the one being trained); delete ${this.backupDir} to start afresh, ` +
          'or give another backupDir',
      );
    }
    const states = this.#callbackStates(callbacks, metadata.callbacks, extra, dir);
    // After loadArtifact, whose rebuilding drew initial weights from the stream; before the model
    // changes, so that an unusable state leaves the model as it was.
    try {
      setRngState(metadata.rngState);
    } catch (error) {
      throw new ArtifactError(`BackupAndRestore: ${path}: ${(error as Error).message}`);
    }
    model.optimizer.setState(model.trainableWeights, saved.optimizer.getState(saved.trainableWeights));
    model.setWeights(saved.getWeights());
    // A rate replaced during training (ReduceLROnPlateau) lives in the config, not the state; a
    // schedule's position is the step count, which setState restored.
    const rate = saved.optimizer.getConfig().learningRate;
    if (typeof rate === 'number' && rate !== model.optimizer.getConfig().learningRate) {
      model.optimizer.setLearningRate(rate);
    }
    for (const [callback, state] of states) callback.setState(state);
    model.stopTraining = metadata.stopped;
    const { epoch, history } = metadata;
    this.#record = decode(history);
    const logs = Object.fromEntries(
      Object.entries(this.#record.history).map(([k, v]) => [k, v[v.length - 1]]),
    );
    return { epoch, logs, history: decode(history) };
  }

  async backUpEpoch(epoch: number, logs: Logs, callbacks: readonly Callback[]): Promise<void> {
    const record = this.#record;
    record.epoch.push(epoch);
    for (const [name, value] of Object.entries(logs)) {
      record.history[name] ??= [];
      record.history[name].push(value);
    }
    // 1-based, as ModelCheckpoint's {epoch} and the progress bar count.
    const folder = `epoch-${epoch + 1}`;
    const dir = join(this.backupDir, folder);
    // Never the folder the pointer names: that one is older. A stale one is a crash's leftover.
    await rm(dir, { recursive: true, force: true });
    const tensors: NamedTensor[] = [];
    const metadata: BackupMetadata = {
      epoch,
      rngState: getRngState(),
      history: encode(record),
      stopped: this.model.stopTraining,
      callbacks: callbacks.filter(isStateful).map((callback, i) => ({
        className: classNameOf(callback),
        state: encodeState(callback.getState(), `callbacks/${i}`, tensors),
      })),
    };
    await saveModel(this.#trainee(), dir, metadata, tensors);
    await writeFile(join(this.backupDir, PARTIAL_POINTER), `${JSON.stringify({ latest: folder })}\n`);
    await rename(join(this.backupDir, PARTIAL_POINTER), join(this.backupDir, POINTER));
    await this.#removeBackups(folder);
  }

  override async onTrainEnd(): Promise<void> {
    if (!this.deleteCheckpoint) return;
    // The pointer goes first: a kill midway leaves leftovers, never a backup that looks whole.
    await rm(join(this.backupDir, POINTER), { force: true });
    await this.#removeBackups(null);
    await rm(join(this.backupDir, PARTIAL_POINTER), { force: true });
    // Files of the user's own stay, and so does the folder holding them.
    await rmdir(this.backupDir).catch(unless('ENOTEMPTY', 'ENOENT'));
  }

  /**
   * Each stateful callback of this fit with its saved state, checked against the backup before
   * anything changes: the states are matched by position, so the classes must match in order.
   */
  #callbackStates(
    callbacks: readonly Callback[],
    saved: BackupMetadata['callbacks'],
    tensors: Map<string, Tensor>,
    dir: string,
  ): [StatefulCallback, CallbackState][] {
    const current = callbacks.filter(isStateful);
    const names = current.map(classNameOf);
    const savedNames = saved.map((c) => c.className);
    if (names.join() !== savedNames.join()) {
      const list = (classes: string[]) => (classes.length === 0 ? 'none' : classes.join(', '));
      throw new ArtifactError(
        `BackupAndRestore: the backup in ${dir} was made with the stateful callbacks ` +
          `${list(savedNames)}, this fit has ${list(names)}; pass the same callbacks in the same ` +
          `order to resume, delete ${this.backupDir} to start afresh, or give another backupDir`,
      );
    }
    return current.map((callback, i) => {
      const state = decodeState(saved[i].state, `callbacks/${i}`, tensors, dir);
      const [want, got] = [callback.getState(), state].map((s) => Object.keys(s).sort().join(', '));
      if (want !== got) {
        throw new ArtifactError(
          `BackupAndRestore: the backup in ${dir} holds ${names[i]}'s state as ${got}, expected ` +
            `${want}; was it written by another version of Deepline? Delete ${this.backupDir} to start afresh`,
        );
      }
      return [callback, state];
    });
  }

  /** The folder the pointer names, or null when there is no backup. */
  async #latest(): Promise<string | null> {
    const path = join(this.backupDir, POINTER);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ArtifactError(`BackupAndRestore: ${path} cannot be read (${(error as Error).message})`);
    }
    let latest: unknown;
    try {
      latest = (JSON.parse(text) as { latest?: unknown }).latest;
    } catch {
      latest = undefined;
    }
    if (typeof latest !== 'string' || !BACKUP.test(latest)) {
      throw new ArtifactError(
        `BackupAndRestore: ${path} does not name a backup folder (expected {"latest": "epoch-N"}); ` +
          `delete ${this.backupDir} to start afresh`,
      );
    }
    return latest;
  }

  /** Removes every backup folder but `keep`; other files in backupDir are not ours to touch. */
  async #removeBackups(keep: string | null): Promise<void> {
    // No folder when no epoch ended: fit was asked for none beyond initialEpoch.
    const names = await readdir(this.backupDir).catch(unless('ENOENT'));
    for (const name of names ?? []) {
      if (name !== keep && BACKUP.test(name)) {
        await rm(join(this.backupDir, name), { recursive: true, force: true });
      }
    }
  }

  #trainee(): Model {
    if (!(this.model instanceof Model)) {
      throw new ValueError('BackupAndRestore: works within fit() of a Deepline model only');
    }
    return this.model;
  }
}

/** A catch handler that lets the file-system errors with these codes pass, and rethrows others. */
function unless(...codes: string[]): (error: NodeJS.ErrnoException) => undefined {
  return (error) => {
    if (!codes.includes(error.code ?? '')) throw error;
    return undefined;
  };
}

/**
 * The layers, their configs and their wiring, without names: two builds of one model in one
 * process get different names (dense_1, then dense_2), yet the backup fits either.
 */
function architecture(model: Model): string {
  const graph = model.graph('BackupAndRestore');
  const index = new Map(graph.nodes.map((n, i) => [n, i]));
  return JSON.stringify({
    className: model.className,
    layers: graph.layers.map((layer) => [
      layer.className,
      Object.fromEntries(Object.entries(layer.getConfig()).filter(([key]) => key !== 'name')),
    ]),
    nodes: graph.nodes.map((n) => [graph.layers.indexOf(n.layer), n.inputs.map((x) => index.get(x))]),
    inputs: graph.inputs.map((x) => index.get(x)),
    outputs: graph.outputs.map((x) => index.get(x)),
  });
}

// Classes, not instances, are what a resumed fit can give again.
function classNameOf(callback: Callback): string {
  return callback.constructor.name;
}

function encodeState(
  state: CallbackState,
  prefix: string,
  tensors: NamedTensor[],
): Record<string, SavedValue> {
  const saved: Record<string, SavedValue> = {};
  for (const [key, value] of Object.entries(state)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      saved[key] = { number: String(value) };
    } else if (typeof value === 'object' && value !== null) {
      tensors.push(...value.map((tensor, j) => ({ name: `${prefix}/${key}/${j}`, value: tensor })));
      saved[key] = { tensors: value.length };
    } else {
      saved[key] = value;
    }
  }
  return saved;
}

function decodeState(
  saved: Record<string, SavedValue>,
  prefix: string,
  tensors: Map<string, Tensor>,
  dir: string,
): CallbackState {
  const state: CallbackState = {};
  for (const [key, value] of Object.entries(saved)) {
    if (typeof value !== 'object' || value === null) {
      state[key] = value;
    } else if ('number' in value) {
      state[key] = Number(value.number);
    } else {
      state[key] = Array.from({ length: value.tensors }, (_, j) => {
        const tensor = tensors.get(`${prefix}/${key}/${j}`);
        if (tensor === undefined) {
          throw new ArtifactError(
            `BackupAndRestore: the backup in ${dir} lacks the tensor ${prefix}/${key}/${j} its model.json lists`,
          );
        }
        return tensor;
      });
    }
  }
  return state;
}

function encode(record: EpochRecord): BackupMetadata['history'] {
  const history = Object.fromEntries(
    Object.entries(record.history).map(([name, values]) => [
      name,
      values.map((v) => (Number.isFinite(v) ? v : String(v))),
    ]),
  );
  return { epoch: [...record.epoch], history };
}

function decode(saved: BackupMetadata['history']): EpochRecord {
  const history = Object.fromEntries(
    Object.entries(saved.history).map(([name, values]) => [name, values.map(Number)]),
  );
  return { epoch: [...saved.epoch], history };
}

function readMetadata(metadata: Record<string, unknown>, path: string): BackupMetadata {
  const { epoch, rngState, history, stopped, callbacks } = metadata as Partial<BackupMetadata>;
  const record = history as Partial<BackupMetadata['history']> | undefined;
  const isObject = (x: unknown) => typeof x === 'object' && x !== null;
  const ok =
    Number.isInteger(epoch) &&
    (epoch as number) >= 0 &&
    isObject(rngState) &&
    Array.isArray(record?.epoch) &&
    record.epoch.length > 0 &&
    isObject(record.history) &&
    Object.values(record.history as object).every(
      (values) =>
        Array.isArray(values) && values.every((v) => typeof v === 'number' || typeof v === 'string'),
    ) &&
    typeof stopped === 'boolean' &&
    Array.isArray(callbacks) &&
    callbacks.every((c) => isObject(c) && typeof c.className === 'string' && isObject(c.state));
  if (!ok) {
    throw new ArtifactError(
      `BackupAndRestore: ${path} is not a backup (its metadata lacks epoch, rngState, history, ` +
        'stopped or callbacks); was it written by ModelCheckpoint, model.save or an older Deepline?',
    );
  }
  return metadata as unknown as BackupMetadata;
}
