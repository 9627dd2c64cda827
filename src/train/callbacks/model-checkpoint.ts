import { checkOptions, optionNames } from '../../nn/serialize.js';
import { messages, ValueError } from '../../tensor/errors.js';
import { Callback, type CallbackState, type Logs, type StatefulCallback } from '../callback.js';
import { checkNumber, checkVerbose, Monitor, type MonitorMode } from './monitor.js';

export interface ModelCheckpointOptions {
  /**
   * Where to save, with Python-style placeholders filled from the epoch (1-based), the batch
   * and the logs: `ckpt/{epoch:02d}-{val_loss:.4f}`.
   */
  filepath: string;
  /** The metric saveBestOnly compares. Default 'val_loss'. */
  monitor?: string;
  verbose?: 0 | 1;
  /** Save only when the monitored metric improves on the best so far. Default false. */
  saveBestOnly?: boolean;
  /** 'auto' maximizes accuracy, AUC, precision and recall, and minimizes anything else. */
  mode?: MonitorMode;
  /** 'epoch' saves after each epoch; a number N saves after every N batches. */
  saveFreq?: 'epoch' | number;
  /** With saveBestOnly, the first save needs a value better than this. */
  initialValueThreshold?: number;
}

const OPTIONS = optionNames<ModelCheckpointOptions>({
  filepath: true,
  monitor: true,
  verbose: true,
  saveBestOnly: true,
  mode: true,
  saveFreq: true,
  initialValueThreshold: true,
});

/** Saves the model with `model.save(path)` after epochs or batches, as Keras's ModelCheckpoint. */
export class ModelCheckpoint extends Callback implements StatefulCallback {
  readonly filepath: string;
  readonly monitor: Monitor;
  readonly verbose: 0 | 1;
  readonly saveBestOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  /** The best monitored value saved so far. */
  best: number;
  #epoch = 0;
  #batchesSinceSave = 0;
  #lastBatch = -1;

  constructor(options: ModelCheckpointOptions) {
    super();
    checkOptions('ModelCheckpoint', options, OPTIONS);
    const { filepath, verbose = 0, saveFreq = 'epoch', initialValueThreshold } = options;
    if (typeof filepath !== 'string' || filepath === '') {
      throw new ValueError(
        messages.invalidArgument('ModelCheckpoint', 'filepath', filepath, 'a non-empty path'),
      );
    }
    this.monitor = new Monitor('ModelCheckpoint', options.monitor ?? 'val_loss', options.mode ?? 'auto');
    checkVerbose('ModelCheckpoint', verbose);
    if (saveFreq !== 'epoch') {
      checkNumber(
        'ModelCheckpoint',
        'saveFreq',
        saveFreq,
        Number.isInteger(saveFreq) && saveFreq > 0,
        "'epoch' or a positive integer number of batches",
      );
    }
    if (initialValueThreshold !== undefined) {
      checkNumber('ModelCheckpoint', 'initialValueThreshold', initialValueThreshold, true, 'a finite number');
    }
    this.filepath = filepath;
    this.verbose = verbose;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveFreq = saveFreq;
    this.best = initialValueThreshold ?? this.monitor.worst;
  }

  // The batch count goes on across epochs, so a run saving every N batches saves where it would have.
  getState(): CallbackState {
    return { best: this.best, batchesSinceSave: this.#batchesSinceSave, lastBatch: this.#lastBatch };
  }

  setState(state: CallbackState): void {
    this.best = state.best as number;
    this.#batchesSinceSave = state.batchesSinceSave as number;
    this.#lastBatch = state.lastBatch as number;
  }

  override onEpochBegin(epoch: number): void {
    this.#epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    // A batch index that does not grow means a new epoch began.
    this.#batchesSinceSave += batch <= this.#lastBatch ? batch + 1 : batch - this.#lastBatch;
    this.#lastBatch = batch;
    if (this.#batchesSinceSave < this.saveFreq) return;
    this.#batchesSinceSave = 0;
    await this.#save(this.#epoch, batch, logs);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.#save(epoch, null, logs);
  }

  async #save(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
    if (batch !== null && !('batch' in logs)) values.batch = batch + 1;
    const path = formatFilepath(this.filepath, values);
    if (!this.saveBestOnly) {
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
      await this.model.save(path);
      return;
    }
    const current = this.monitor.read(logs);
    if (current === undefined) return;
    const name = this.monitor.name;
    if (this.monitor.isImprovement(current, this.best)) {
      if (this.verbose > 0) {
        console.log(
          `\nEpoch ${epoch + 1}: ${name} improved from ${fixed5(this.best)} to ${fixed5(current)}, ` +
            `saving model to ${path}`,
        );
      }
      this.best = current;
      await this.model.save(path);
    } else if (this.verbose > 0) {
      console.log(`\nEpoch ${epoch + 1}: ${name} did not improve from ${fixed5(this.best)}`);
    }
  }
}

/**
 * Fills `{name}` and `{name:spec}` placeholders as Python's str.format does, for the specs
 * checkpoint paths use: `d`, `f` and `e` with optional zero padding, width and precision
 * (`{epoch:02d}`, `{val_loss:.4f}`, `{loss:.2e}`). `{{` and `}}` are literal braces.
 */
export function formatFilepath(template: string, values: Record<string, number>): string {
  return template.replace(/\{\{|\}\}|\{([^{}:]+)(?::([^{}]*))?\}/g, (match, name?: string, spec?: string) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const key = name as string;
    const value = values[key];
    if (value === undefined) {
      throw new ValueError(
        `ModelCheckpoint: filepath '${template}' names '${key}', which is not logged; ` +
          `available: ${Object.keys(values).join(', ')}`,
      );
    }
    return spec === undefined || spec === '' ? pythonStr(value) : formatSpec(value, spec, template);
  });
}

function formatSpec(value: number, spec: string, template: string): string {
  const parts = /^(0)?(\d+)?(?:\.(\d+))?([dfe])$/.exec(spec);
  if (parts === null || (parts[4] === 'd' && parts[3] !== undefined)) {
    throw new ValueError(
      `ModelCheckpoint: filepath '${template}' uses the format spec ':${spec}'; ` +
        "supported: d, f and e with optional zero padding, width and precision, such as ':02d' or ':.4f'",
    );
  }
  const [, zero, width, precision, type] = parts;
  let text: string;
  if (!Number.isFinite(value)) {
    text = pythonStr(value);
  } else if (type === 'd') {
    if (!Number.isInteger(value)) {
      throw new ValueError(
        `ModelCheckpoint: filepath '${template}' formats ${value} with ':${spec}', which needs an integer; use ':.4f'`,
      );
    }
    text = String(value);
  } else if (type === 'f') {
    text = value.toFixed(Number(precision ?? 6));
  } else {
    text = value.toExponential(Number(precision ?? 6)).replace(/e([+-])(\d)$/, 'e$10$2');
  }
  const pad = Number(width ?? 0);
  if (text.length >= pad) return text;
  if (zero && Number.isFinite(value)) {
    const sign = text.startsWith('-') ? '-' : '';
    return sign + text.slice(sign.length).padStart(pad - sign.length, '0');
  }
  return text.padStart(pad);
}

const fixed5 = (value: number) => (Number.isFinite(value) ? value.toFixed(5) : pythonStr(value));

function pythonStr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
