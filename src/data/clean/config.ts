import { CleaningConfigError, cleaningMessages as msg } from './errors.js';

/** A step declaration as read from JSON or YAML, before validation. */
export type RawObject = Readonly<Record<string, unknown>>;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The path of a key below `path`, as a person would write it: `steps[0].columns['Total Charges']`. */
export function keyPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return identifier.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest known name to a misspelt one, if any is close enough to be a likely typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

export function expectObject(raw: unknown, path: string, what: string): RawObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CleaningConfigError(path, msg.notObject(what, raw));
  }
  return raw as RawObject;
}

/** Rejects keys a step does not know: a misspelt optional key would otherwise be ignored silently. */
export function checkKeys(raw: RawObject, known: readonly string[], path: string, step: string): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      throw new CleaningConfigError(keyPath(path, key), msg.unknownKey(step, known, suggest(key, known)));
    }
  }
}

/** Reads the keys of one step declaration, each with a path for its error messages. */
export class StepReader {
  constructor(
    readonly raw: RawObject,
    readonly path: string,
    readonly step: string,
    known: readonly string[],
  ) {
    checkKeys(raw, ['step', ...known], path, step);
  }

  at(key: string): string {
    return keyPath(this.path, key);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  error(key: string, message: string): CleaningConfigError {
    return new CleaningConfigError(this.at(key), message);
  }

  required(key: string): unknown {
    const value = this.raw[key];
    if (value === undefined) throw this.error(key, msg.missingKey(this.step));
    return value;
  }

  string(key: string, fallback?: string): string {
    const value = fallback !== undefined && !this.has(key) ? fallback : this.required(key);
    if (typeof value !== 'string' || value === '') {
      throw this.error(key, msg.wrongType(value, 'a non-empty string'));
    }
    return value;
  }

  oneOf<const T extends string>(key: string, options: readonly T[], fallback?: T): T {
    const value = fallback !== undefined && !this.has(key) ? fallback : this.required(key);
    if (!options.includes(value as T)) throw this.error(key, msg.notOneOf(value, options));
    return value as T;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw[key] ?? fallback;
    if (typeof value !== 'boolean') throw this.error(key, msg.wrongType(value, 'true or false'));
    return value;
  }

  number(key: string, fallback: number): number {
    const value = this.raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw this.error(key, msg.wrongType(value, 'a number'));
    return value;
  }

  /** A non-empty list of distinct column names. */
  columns(key: string): string[] {
    return readColumnList(this.required(key), this.at(key));
  }

  optionalColumns(key: string): string[] | undefined {
    return this.has(key) ? this.columns(key) : undefined;
  }

  /** Rejects a key that only means something with another setting, rather than ignoring it. */
  onlyWith(key: string, other: string, value: string, applies: boolean): void {
    if (this.has(key) && !applies) throw this.error(key, msg.onlyWith(key, other, value));
  }
}

export function readColumnList(raw: unknown, path: string): string[] {
  const names = readStringList(raw, path);
  if (names.length === 0) throw new CleaningConfigError(path, msg.emptyList());
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new CleaningConfigError(path, msg.duplicateColumn(name));
    seen.add(name);
  }
  return names;
}

/** A list of strings; numbers are accepted and spelt out, since YAML reads `999` as a number. */
export function readStringList(raw: unknown, path: string, numbersToo = false): string[] {
  if (!Array.isArray(raw)) throw new CleaningConfigError(path, msg.wrongType(raw, 'a list of strings'));
  return raw.map((item, i) => {
    if (typeof item === 'string') return item;
    if (numbersToo && typeof item === 'number') return String(item);
    throw new CleaningConfigError(keyPath(path, i), msg.wrongType(item, 'a string'));
  });
}

/** A record of column name → string, such as a rename map. */
export function readStringRecord(raw: unknown, path: string, what: string): Record<string, string> {
  const record = expectObject(raw, path, what);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string') {
      throw new CleaningConfigError(keyPath(path, key), msg.wrongType(value, 'a string'));
    }
    out[key] = value;
  }
  return out;
}
