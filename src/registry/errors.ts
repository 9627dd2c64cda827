import { DeeplineError } from '../tensor/errors.js';

/**
 * Anything the tracking store or the model registry refuses: a run or model that does not exist,
 * a bad model reference, a database it cannot use. The message names the thing and, where one
 * exists, what to do instead.
 */
export class RegistryError extends DeeplineError {
  override name = 'RegistryError';
}

const shown = 20;
// Long listings keep their tail: versions and names are listed oldest first, and the newest matter most.
const list = (items: readonly (string | number)[]) =>
  items.length <= shown
    ? items.join(', ')
    : `… (${items.length - shown} more), ${items.slice(-shown).join(', ')}`;

/** Every registry message in one place, so that tests can assert against them. */
export const registryMessages = {
  cannotOpen: (file: string, reason: string) => `cannot open the registry database ${file}: ${reason}`,
  notSqlite: (file: string) =>
    `${file} is not a SQLite database; move it aside or point DEEPLINE_HOME at another folder`,
  newerSchema: (file: string, found: number, known: number) =>
    `${file} has schema version ${found} but this deepline knows only up to ${known}; upgrade deepline to use it`,
  noRun: (id: string) => `no run '${id}'`,
  shortPrefix: (id: string) => `no run '${id}' (a run id prefix needs at least 4 characters)`,
  ambiguousRun: (prefix: string, ids: readonly string[]) =>
    `run id prefix '${prefix}' matches ${ids.length} runs (${list(ids)}); give more characters`,
  runEnded: (id: string, status: string) => `run '${id}' is already ${status}; start a new run instead`,
  staleRun: (pid: number) => `the process (pid ${pid}) ended without finishing the run`,
  emptyText: (what: string) => `${what} must be a non-empty string`,
  notNumber: (what: string, got: unknown) =>
    `${what} is ${JSON.stringify(got) ?? String(got)}, expected a number`,
  notSeconds: (what: string, got: number) => `${what} is ${got}, expected a finite number of seconds ≥ 0`,
  notEpoch: (got: number) => `epoch is ${got}, expected an integer ≥ 0`,
  notLimit: (got: number) => `limit is ${got}, expected an integer ≥ 1`,
  notJson: (what: string, reason: string) => `${what} cannot be stored as JSON: ${reason}`,
  badName: (name: string) =>
    `'${name}' is not a valid model name; use 1 to 128 letters, digits, '.', '_' or '-', ` +
    "starting with a letter or digit and without '..'",
  badRef: (text: string) =>
    `'${text}' is not a model reference; write 'name', 'name:3' or 'name@production' ` +
    '(stages: candidate, production, archived)',
  noModel: (name: string, models: readonly string[]) =>
    models.length === 0
      ? `no model '${name}'; the registry has no models yet`
      : `no model '${name}'; models are: ${list(models)}`,
  nameClash: (name: string, existing: string) =>
    `model name '${name}' differs from the existing model '${existing}' only in letter case; use '${existing}'`,
  noVersion: (name: string, version: number, versions: readonly number[]) =>
    `model '${name}' has no version ${version}; versions are ${list(versions)}`,
  noStage: (name: string, stage: string, versions: readonly string[]) =>
    `model '${name}' has no ${stage} version; versions are ${list(versions)}`,
  wrongStage: (name: string, version: number, stage: string, actual: string) =>
    `model '${name}' version ${version} is ${actual}, not ${stage}`,
  notFolder: (source: string) =>
    `${source} is not a folder; register the artifact folder a training run wrote`,
  noModelJson: (source: string) =>
    `${source} has no model.json; register the artifact folder a training run wrote`,
  copyFailed: (source: string, reason: string) => `cannot copy ${source} into the registry: ${reason}`,
  noProduction: (name: string) => `model '${name}' has no production version to roll back from`,
  nothingToRollBack: (name: string, version: number) =>
    `model '${name}' has no version that was production before version ${version}; nothing to roll back to`,
  badExpectedProduction: (got: unknown) =>
    `expectedProduction is ${JSON.stringify(got) ?? String(got)}, expected a version number ≥ 1 or null (no production version)`,
  productionChanged: (name: string, version: number, expected: number | null, actual: number | null) =>
    `model '${name}' version ${version} was not promoted: production is now ${productionText(actual)} ` +
    `(expected ${productionText(expected)}); compare against the current production version and promote again`,
};

const productionText = (version: number | null) => (version === null ? 'none' : `version ${version}`);

/**
 * What `promote` throws, promoting nothing, when `expectedProduction` is given and the model's
 * production version is no longer that one: another process promoted, rolled back or archived
 * since the caller looked.
 */
export class ProductionChangedError extends RegistryError {
  override name = 'ProductionChangedError';
  readonly model: string;
  readonly version: number;
  readonly expected: number | null;
  /** The production version now; null when there is none. */
  readonly actual: number | null;

  constructor(model: string, version: number, expected: number | null, actual: number | null) {
    super(registryMessages.productionChanged(model, version, expected, actual));
    this.model = model;
    this.version = version;
    this.expected = expected;
    this.actual = actual;
  }
}
