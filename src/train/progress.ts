import { Callback, type Logs } from './callback.js';

/** Where progress goes: process.stdout by default; anything with `write` will do. */
export interface OutputStream {
  write(text: string): unknown;
  /** True for a terminal, where the bar is redrawn in place; false or absent for a log file. */
  isTTY?: boolean;
}

export interface ProgbarOptions {
  stream?: OutputStream;
  /** A clock in milliseconds; tests pass a fake one. */
  now?: () => number;
}

export interface ProgbarUpdateOptions {
  /** Draws the final line (elapsed time and time per step in place of the ETA) and ends it. */
  finalize?: boolean;
}

const barWidth = 30;
const redrawInterval = 50; // ms, as Keras's Progbar(interval=0.05)

/**
 * A progress bar for `target` steps, drawn as Keras 2's Progbar draws it. On a terminal the
 * line is redrawn in place; on anything else only the final line is written, because a log
 * file or CI console would otherwise collect one line per redraw. A null target (a dataset of
 * unknown length) shows a count of steps instead of a bar until the target is set.
 */
export class Progbar {
  target: number | null;
  readonly verbose: 1 | 2;
  readonly #stream: OutputStream;
  readonly #now: () => number;
  readonly #start: number;
  readonly #values = new Map<string, number>();
  #lastDraw = Number.NEGATIVE_INFINITY;
  #afterFirstStep: number | null = null;
  #width = 0;

  constructor(target: number | null, verbose: 1 | 2 = 1, options: ProgbarOptions = {}) {
    this.target = target;
    this.verbose = verbose;
    this.#stream = options.stream ?? process.stdout;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
  }

  /** Records that `current` steps are done, with the metric values to show now. */
  update(current: number, logs: Logs = {}, options: ProgbarUpdateOptions = {}): void {
    const target = this.target;
    const finalize = options.finalize ?? (target !== null && current >= target);
    for (const [name, value] of Object.entries(logs)) this.#values.set(name, value);
    const now = this.#now();
    const seconds = (now - this.#start) / 1000;
    const stepTime = this.#stepTime(current, now);
    const elapsed = ` - ${fixed0(seconds)}s`;

    if (this.verbose === 2) {
      if (!finalize) return;
      // Keras 2's verbose=2 line: count, elapsed, metrics, then time per epoch and per step.
      const steps = target ?? current;
      const perStep = steps > 0 ? seconds / steps : 0;
      const times = ` -${formatTime(seconds, 'epoch')} -${formatTime(perStep, 'step')}`;
      this.#stream.write(`${this.#count(current, steps)}${elapsed}${this.#metrics()}${times}\n`);
      return;
    }

    const tty = this.#stream.isTTY === true;
    if (!finalize && (!tty || now - this.#lastDraw < redrawInterval)) return;
    this.#lastDraw = now;

    const bar =
      target === null
        ? `${String(current).padStart(7)}/Unknown`
        : `${this.#count(current, target)} [${this.#bar(current, target)}]`;
    let info: string;
    if (target === null || finalize) {
      info = `${elapsed}${formatTime(stepTime, 'step')}`;
    } else {
      info = ` - ETA: ${formatEta(stepTime * (target - current))}`;
    }
    info += this.#metrics();
    const width = bar.length + info.length;
    // Spaces wipe what is left of a longer previous line.
    const padding = ' '.repeat(Math.max(0, this.#width - width));
    this.#width = width;
    this.#stream.write(`${tty ? '\r' : ''}${bar}${info}${padding}${finalize ? '\n' : ''}`);
  }

  #count(current: number, target: number): string {
    return `${String(current).padStart(String(target).length)}/${target}`;
  }

  #bar(current: number, target: number): string {
    const done = target > 0 ? Math.min(barWidth, Math.floor((barWidth * current) / target)) : barWidth;
    const head = done === 0 ? '' : `${'='.repeat(done - 1)}${current < target ? '>' : '='}`;
    return head + '.'.repeat(barWidth - done);
  }

  #metrics(): string {
    let text = '';
    for (const [name, value] of this.#values) text += ` - ${name}: ${formatValue(value)}`;
    return text;
  }

  // The first step is left out of the estimate once there are others: it carries warm-up
  // costs (kernel compilation, thread start) that later steps do not.
  #stepTime(current: number, now: number): number {
    if (current <= 0) return 0;
    const perStep =
      this.#afterFirstStep !== null && current > 1
        ? (now - this.#afterFirstStep) / (current - 1)
        : (now - this.#start) / current;
    if (current === 1) this.#afterFirstStep = now;
    return perStep / 1000;
  }
}

/**
 * Prints training progress as Keras does: `Epoch 1/10`, then a bar redrawn in place after each
 * batch (verbose 1 on a terminal), ending with the epoch's line of time per step and metrics,
 * `val_` ones included. Verbose 2 prints only that line, in Keras 2's verbose=2 form.
 */
export class ProgbarLogger extends Callback {
  readonly #options: ProgbarOptions;
  #bar: Progbar | null = null;
  #seen = 0;

  constructor(options: ProgbarOptions = {}) {
    super();
    this.#options = options;
  }

  override onEpochBegin(epoch: number): void {
    const { verbose, epochs, steps } = this.params;
    if (verbose === 0) return;
    // Keras prints no header for a single epoch.
    if (epochs > 1) (this.#options.stream ?? process.stdout).write(`Epoch ${epoch + 1}/${epochs}\n`);
    // fit reports 0 steps for a dataset whose length it learns only by iterating it.
    this.#bar = new Progbar(steps > 0 ? steps : null, verbose, this.#options);
    this.#seen = 0;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    this.#seen = batch + 1;
    if (this.params.verbose === 1) this.#bar?.update(this.#seen, logs, { finalize: false });
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const bar = this.#bar;
    if (bar === null) return;
    bar.target ??= this.params.steps > 0 ? this.params.steps : this.#seen;
    bar.update(bar.target, logs, { finalize: true });
    this.#bar = null;
  }
}

/** A metric as Keras shows it: 4 decimals, or 4 significant digits in exponent form near zero. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Math.abs(value) > 1e-3) return value.toFixed(4);
  // Python writes at least two exponent digits: 1.0000e-04, not 1.0000e-4.
  return value.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatTime(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return ` ${fixed0(seconds)}s/${unit}`;
  if (seconds >= 1e-3) return ` ${fixed0(seconds * 1e3)}ms/${unit}`;
  return ` ${fixed0(seconds * 1e6)}us/${unit}`;
}

function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (seconds > 3600) return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  if (seconds > 60) return `${Math.floor(s / 60)}:${pad(s % 60)}`;
  return `${s}s`;
}

// Python's '%.0f' rounds halves to even; toFixed(0) would round 2.5 up to 3.
function fixed0(x: number): string {
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return String(r);
}
