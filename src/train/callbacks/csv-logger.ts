import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { checkOptions, optionNames } from '../../nn/serialize.js';
import { messages, ValueError } from '../../tensor/errors.js';
import { Callback, type Logs } from '../callback.js';

export interface CSVLoggerOptions {
  filename: string;
  /** Default ','. */
  separator?: string;
  /** Add rows to an existing file (with no second header) instead of replacing it. Default false. */
  append?: boolean;
}

/**
 * Writes one row per epoch to a CSV file, as Keras's CSVLogger: `epoch` (0-based), then the
 * first epoch's log names sorted, plus any name fit announced (params.metrics) that the first
 * epoch lacked, such as validation metrics computed only every few epochs. A value missing from
 * an epoch's logs is written as NA.
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  #columns: string[] | null = null;
  #writeHeader = true;

  constructor(options: CSVLoggerOptions) {
    super();
    checkOptions(
      'CSVLogger',
      options,
      optionNames<CSVLoggerOptions>({ filename: true, separator: true, append: true }),
    );
    const { filename, separator = ',', append = false } = options;
    if (typeof filename !== 'string' || filename === '') {
      throw new ValueError(messages.invalidArgument('CSVLogger', 'filename', filename, 'a non-empty path'));
    }
    if (typeof separator !== 'string' || separator.length !== 1 || /["\r\n]/.test(separator)) {
      throw new ValueError(
        messages.invalidArgument(
          'CSVLogger',
          'separator',
          separator,
          'one character other than a quote or newline',
        ),
      );
    }
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  override onTrainBegin(): void {
    this.#columns = null;
    if (this.append && existsSync(this.filename)) {
      this.#writeHeader = readFileSync(this.filename, 'utf8').length === 0;
    } else {
      this.#writeHeader = true;
      writeFileSync(this.filename, '');
    }
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (this.#columns === null) {
      const announced = this.params?.metrics ?? [];
      this.#columns = [...new Set([...Object.keys(logs), ...announced])].sort();
    }
    const columns = this.#columns;
    let text = '';
    if (this.#writeHeader) {
      text += this.#row(['epoch', ...columns]);
      this.#writeHeader = false;
    }
    text += this.#row([
      String(epoch),
      ...columns.map((name) => (name in logs ? pythonStr(logs[name]) : 'NA')),
    ]);
    appendFileSync(this.filename, text);
  }

  #row(fields: string[]): string {
    return `${fields.map((field) => this.#quote(field)).join(this.separator)}\n`;
  }

  // Python's csv module quotes only the fields that need it (QUOTE_MINIMAL).
  #quote(field: string): string {
    if (!field.includes(this.separator) && !/["\r\n]/.test(field)) return field;
    return `"${field.replaceAll('"', '""')}"`;
  }
}

// Python spells these nan, inf and -inf, which is what readers of Keras logs expect.
function pythonStr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
